using Outage.Grains.Abstractions.Notifications;

namespace Outage.Grains.Notifications;

/// <summary>One message of a subscription: formed once, then attempted with the same id until delivered or given up.</summary>
[GenerateSerializer, Alias("outage.NotificationMessage")]
public sealed class NotificationMessage
{
    /// <summary>The message id (<c>msg_</c>...): the <c>webhook-id</c> on every attempt, so receivers can drop repeats.</summary>
    [Id(0)] public required string Id { get; init; }

    /// <summary>The event kind; <see cref="NotificationEvents.None"/> for an e-mail confirmation.</summary>
    [Id(1)] public NotificationEvents Kind { get; init; }

    /// <summary>When it was formed (product clock): the payload's <c>timestamp</c>.</summary>
    [Id(2)] public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The series (or statement) it is about.</summary>
    [Id(3)] public IReadOnlyList<NotificationItem> Items { get; init; } = [];

    /// <summary>Attempts made so far.</summary>
    [Id(4)] public int Attempts { get; set; }

    /// <summary>When the next attempt is due (product clock).</summary>
    [Id(5)] public DateTimeOffset NextAttemptAt { get; set; }

    /// <summary>Trace contexts of the changes it carries (the delivery span links to them).</summary>
    [Id(6)] public IReadOnlyList<string> TraceParents { get; init; } = [];

    /// <summary>The dotted type (<c>outage.disruption.started</c>...), or <c>outage.subscription.confirmation</c>.</summary>
    public string Type => Kind == NotificationEvents.None ? ConfirmationType : NotificationEventTypes.Of(Kind);

    /// <summary>The type of an e-mail confirmation request.</summary>
    public const string ConfirmationType = "outage.subscription.confirmation";
}
