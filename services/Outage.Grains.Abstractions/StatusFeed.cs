using Outage.Detection;

namespace Outage.Grains.Abstractions;

/// <summary>Constants of the status feed.</summary>
public static class StatusFeed
{
    /// <summary>How long official statements are kept and shown.</summary>
    public static readonly TimeSpan StatementRetention = TimeSpan.FromDays(1);

    /// <summary>Most official statements kept, all services together.</summary>
    public const int RetainedStatements = 1000;

    /// <summary>How long an observer stays subscribed without renewing.</summary>
    public static readonly TimeSpan ObserverExpiry = TimeSpan.FromMinutes(2);

    /// <summary>How many changes the feed retains for reconnecting clients.</summary>
    public const int RetainedChanges = 10_000;
}
