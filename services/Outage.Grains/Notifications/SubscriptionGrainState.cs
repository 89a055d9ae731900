using Outage.Grains.Abstractions.Notifications;

namespace Outage.Grains.Notifications;

/// <summary>The saved state of one subscription: definition, secrets, the durable outbox and the delivery log.</summary>
[GenerateSerializer, Alias("outage.SubscriptionGrainState")]
public sealed class SubscriptionGrainState
{
    /// <summary>What was asked for; null when there is no subscription (never created, or deleted).</summary>
    [Id(0)] public SubscriptionDefinition? Definition { get; set; }

    /// <summary>Whether it is sending.</summary>
    [Id(1)] public SubscriptionStatus Status { get; set; }

    /// <summary>Why it is disabled.</summary>
    [Id(2)] public string DisabledReason { get; set; } = "";

    /// <summary>Signing secrets: the current one first, then any still in their grace period.</summary>
    [Id(3)] public List<SigningSecret> Secrets { get; set; } = [];

    /// <summary>The token of the e-mail confirmation link.</summary>
    [Id(4)] public string ConfirmationToken { get; set; } = "";

    /// <summary>The token of the unsubscribe link.</summary>
    [Id(5)] public string UnsubscribeToken { get; set; } = "";

    /// <summary>The feed sequence of the last change taken in (changes routed twice are ignored).</summary>
    [Id(6)] public long LastSequence { get; set; }

    /// <summary>What the receiver was last told, by series.</summary>
    [Id(7)] public Dictionary<string, ToldState> Told { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Changes not yet in a message, one per subject, oldest first.</summary>
    [Id(8)] public List<PendingNotice> Pending { get; set; } = [];

    /// <summary>Messages formed and not yet delivered, in order: the first is the one attempted.</summary>
    [Id(9)] public List<NotificationMessage> Queue { get; set; } = [];

    /// <summary>The last attempts, newest first.</summary>
    [Id(10)] public List<DeliveryRecord> Log { get; set; } = [];

    /// <summary>The last delivered messages, newest first, for replay.</summary>
    [Id(11)] public List<NotificationMessage> Delivered { get; set; } = [];

    /// <summary>Messages formed so far (the message ids' counter).</summary>
    [Id(12)] public long MessagesFormed { get; set; }

    /// <summary>When the last delivery succeeded.</summary>
    [Id(13)] public DateTimeOffset? LastDeliveredAt { get; set; }

    /// <summary>When the next message may be formed (the subscription's rate bound).</summary>
    [Id(14)] public DateTimeOffset NextMessageAt { get; set; }

    /// <summary>Attempts that failed in a row (across messages); reset by a success.</summary>
    [Id(15)] public int ConsecutiveFailures { get; set; }

    /// <summary>Notifications waiting: pending changes and queued messages.</summary>
    public int OutboxDepth => Pending.Count + Queue.Count;
}
