namespace Outage.Grains.Abstractions.Notifications;

/// <summary>The dotted event type names of the payloads (<c>type</c> in <c>{type, timestamp, data}</c>).</summary>
public static class NotificationEventTypes
{
    /// <summary>Every kind with its type name, in the order of <see cref="NotificationEvents"/>.</summary>
    public static readonly IReadOnlyList<(NotificationEvents Kind, string Type)> All =
    [
        (NotificationEvents.Started, "outage.disruption.started"),
        (NotificationEvents.LevelRaised, "outage.disruption.level_raised"),
        (NotificationEvents.Recovering, "outage.disruption.recovering"),
        (NotificationEvents.Resolved, "outage.disruption.resolved"),
        (NotificationEvents.Statement, "outage.statement.posted"),
    ];

    /// <summary>The type name of one kind.</summary>
    public static string Of(NotificationEvents kind) => All.First(e => e.Kind == kind).Type;
}
