using Outage.Grains.Abstractions.Notifications;

namespace Outage.Grains.Notifications;

/// <summary>The saved part of the notification router: every subscription's definition, by id.</summary>
[GenerateSerializer, Alias("outage.NotificationRouterState")]
public sealed class NotificationRouterState
{
    /// <summary>Subscriptions by id.</summary>
    [Id(0)] public Dictionary<string, SubscriptionDefinition> Subscriptions { get; set; } = new(StringComparer.Ordinal);
}
