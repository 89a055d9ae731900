namespace Outage.Grains.Abstractions.Notifications;

/// <summary>
/// The notification router (key 0): knows every subscription's filter and hands each status change to the
/// subscriptions it matches.
/// </summary>
[Alias("outage.INotificationRouterGrain")]
public interface INotificationRouterGrain : IGrainWithIntegerKey
{
    /// <summary>Adds or replaces a subscription's filter.</summary>
    [Alias("Register")]
    Task RegisterAsync(SubscriptionDefinition definition);

    /// <summary>Forgets a subscription.</summary>
    [Alias("Unregister")]
    Task UnregisterAsync(string subscriptionId);

    /// <summary>The ids of the subscriptions created by a key, oldest first.</summary>
    [Alias("List"), Orleans.Concurrency.ReadOnly]
    Task<string[]> ListAsync(string keyName);

    /// <summary>Queues each change in the outbox of every matching subscription; returns when all of them have it saved.</summary>
    [Alias("Route")]
    Task RouteAsync(StatusChange[] changes);
}
