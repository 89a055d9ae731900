namespace Outage.Grains.Abstractions.Notifications;

/// <summary>What a subscription's owner asked for.</summary>
[GenerateSerializer, Immutable, Alias("outage.SubscriptionDefinition")]
public sealed record SubscriptionDefinition
{
    /// <summary>The subscription's id (<c>sub_</c> and 26 characters).</summary>
    [Id(0)] public required string Id { get; init; }

    /// <summary>The API key that created it (its name): only that key sees and changes it.</summary>
    [Id(1)] public required string KeyName { get; init; }

    /// <summary>How notifications travel.</summary>
    [Id(2)] public NotificationChannel Channel { get; init; }

    /// <summary>The webhook or Slack URL, or the e-mail address.</summary>
    [Id(3)] public required string Target { get; init; }

    /// <summary>Which series.</summary>
    [Id(4)] public SubscriptionFilter Filter { get; init; } = new();

    /// <summary>Which events.</summary>
    [Id(5)] public NotificationEvents Events { get; init; } = NotificationEvents.All;

    /// <summary>How long a series must stay disrupted before "started" is sent (a disruption that ends sooner is never sent).</summary>
    [Id(6)] public TimeSpan MinDuration { get; init; }

    /// <summary>A free text for its owner.</summary>
    [Id(7)] public string Description { get; init; } = "";

    /// <summary>When it was created (product clock).</summary>
    [Id(8)] public DateTimeOffset CreatedAt { get; init; }
}
