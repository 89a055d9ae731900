using Outage.Detection;
using Outage.Grains.Abstractions;

namespace Outage.Grains.Notifications;

/// <summary>One series' change (or one statement) inside a message.</summary>
[GenerateSerializer, Immutable, Alias("outage.NotificationItem")]
public sealed record NotificationItem
{
    /// <summary>The series' status when the message was formed (for a statement: the service's worldwide status).</summary>
    [Id(0)] public required SeriesStatusView Status { get; init; }

    /// <summary>The level the receiver was last told for this series (NORMAL before a "started").</summary>
    [Id(1)] public DisruptionLevel PreviousLevel { get; init; }

    /// <summary>The statement, for <c>outage.statement.posted</c>.</summary>
    [Id(2)] public StatementView? Statement { get; init; }

    /// <summary>The subject: the series key, or the statement's service.</summary>
    public string Subject => Statement is null ? Status.Series.ToString() : Statement.ServiceId;
}
