using Microsoft.Extensions.Logging;
using Orleans.Utilities;
using Outage.Detection;
using Outage.Grains.Abstractions;

namespace Outage.Grains;

/// <summary>The saved part of the status feed.</summary>
[GenerateSerializer, Alias("outage.StatusFeedState")]
public sealed class StatusFeedState
{
    /// <summary>Last sequence number assigned.</summary>
    [Id(0)] public long Sequence { get; set; }

    /// <summary>Every non-NORMAL series by key.</summary>
    [Id(1)] public Dictionary<string, SeriesStatusView> Disruptions { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Official statements of the last day, newest first, at most <see cref="StatusFeed.RetainedStatements"/>.</summary>
    [Id(2)] public List<StatementView> Statements { get; set; } = [];

    /// <summary>Changes not yet handed to the notification router, oldest first (saved with the change, removed once routed).</summary>
    [Id(3)] public List<StatusChange> Unrouted { get; set; } = [];
}
