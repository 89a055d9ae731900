namespace Outage.Grains.Abstractions.Notifications;

/// <summary>The kinds of event a subscription can ask for.</summary>
[Flags]
public enum NotificationEvents
{
    /// <summary>None.</summary>
    None = 0,

    /// <summary>A series left NORMAL (reached the subscription's minimum level): <c>outage.disruption.started</c>.</summary>
    Started = 1,

    /// <summary>A disrupted series' level rose: <c>outage.disruption.level_raised</c>.</summary>
    LevelRaised = 2,

    /// <summary>A disrupted series' level fell or its counts began to fall back: <c>outage.disruption.recovering</c>.</summary>
    Recovering = 4,

    /// <summary>A series is NORMAL again (or below the minimum level): <c>outage.disruption.resolved</c>.</summary>
    Resolved = 8,

    /// <summary>A service's owner posted an official statement: <c>outage.statement.posted</c>.</summary>
    Statement = 16,

    /// <summary>Every kind.</summary>
    All = Started | LevelRaised | Recovering | Resolved | Statement,
}
