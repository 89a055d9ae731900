namespace Outage.Grains.Abstractions.Notifications;

/// <summary>A subscription as its owner sees it.</summary>
[GenerateSerializer, Immutable, Alias("outage.SubscriptionView")]
public sealed record SubscriptionView
{
    /// <summary>What was asked for.</summary>
    [Id(0)] public required SubscriptionDefinition Definition { get; init; }

    /// <summary>Whether it is sending.</summary>
    [Id(1)] public SubscriptionStatus Status { get; init; }

    /// <summary>Why it is disabled; empty otherwise.</summary>
    [Id(2)] public string DisabledReason { get; init; } = "";

    /// <summary>Notifications waiting to be delivered (the one being attempted included).</summary>
    [Id(3)] public int OutboxDepth { get; init; }

    /// <summary>When the last delivery succeeded, if one did.</summary>
    [Id(4)] public DateTimeOffset? LastDeliveredAt { get; init; }
}
