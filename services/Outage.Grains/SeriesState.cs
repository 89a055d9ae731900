namespace Outage.Grains;

/// <summary>The persisted state of a series grain: small, bounded, and named by alias rather than CLR type.</summary>
[GenerateSerializer, Alias("outage.SeriesState")]
public sealed class SeriesState
{
    /// <summary>The detector's own versioned binary state.</summary>
    [Id(0)] public byte[]? Detector { get; set; }

    /// <summary>Start of the open bucket.</summary>
    [Id(1)] public DateTimeOffset OpenStart { get; set; }

    /// <summary>Reports counted in the open bucket.</summary>
    [Id(2)] public int OpenReports { get; set; }

    /// <summary>Reports per category in the open bucket.</summary>
    [Id(3)] public Dictionary<string, int> OpenCategories { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Closed buckets, oldest first, bounded by the timeline retention.</summary>
    [Id(4)] public List<TimelinePoint> Timeline { get; set; } = [];

    /// <summary>Report ids seen in the current retention period.</summary>
    [Id(5)] public HashSet<ulong> ReportIds { get; set; } = [];

    /// <summary>Report ids seen in the previous retention period.</summary>
    [Id(6)] public HashSet<ulong> PreviousReportIds { get; set; } = [];

    /// <summary>When the current report-id period began.</summary>
    [Id(7)] public DateTimeOffset ReportIdsSince { get; set; }

    /// <summary>Devices with a counted report, and when (ticks), within the dedupe window.</summary>
    [Id(8)] public Dictionary<ulong, long> Devices { get; set; } = [];

    /// <summary>The open incident of this series, if any.</summary>
    [Id(9)] public IncidentView? Incident { get; set; }

    /// <summary>Sequence number of the last roll-up this series queued for its parent.</summary>
    [Id(10)] public long RollupSequence { get; set; }

    /// <summary>A roll-up saved but not yet confirmed by the parent (an outbox): resent until it is, and the parent ignores repeats.</summary>
    [Id(11)] public RollupDelta? PendingRollup { get; set; }

    /// <summary>For a parent: the last roll-up sequence applied from each child, so a resent roll-up counts once.</summary>
    [Id(12)] public Dictionary<string, long> ChildSequences { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>Counts a child series hands to its parent.</summary>
[GenerateSerializer, Immutable, Alias("outage.RollupDelta")]
public sealed record RollupDelta(
    [property: Id(0)] long Sequence,
    [property: Id(1)] int Reports,
    [property: Id(2)] Dictionary<string, int> Categories);
