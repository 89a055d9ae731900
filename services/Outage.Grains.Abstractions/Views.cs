using Outage.Detection;
using Outage.Detection.Incidents;

namespace Outage.Grains;

/// <summary>One report handed to its series grain, already validated.</summary>
/// <param name="ReportId">Hash of the client's idempotency key.</param>
/// <param name="Device">Keyed hash of the device id (device ids are never kept in clear).</param>
/// <param name="Category">Problem category from the catalog.</param>
[GenerateSerializer, Immutable, Alias("outage.IngestItem")]
public readonly record struct IngestItem([property: Id(0)] ulong ReportId, [property: Id(1)] ulong Device, [property: Id(2)] string Category);

/// <summary>What a series grain decided for one report.</summary>
public enum IngestOutcome : byte
{
    /// <summary>Counted.</summary>
    Accepted = 1,

    /// <summary>A report with the same id was already counted.</summary>
    Duplicate = 2,

    /// <summary>The device already has a counted report for this series within the dedupe window.</summary>
    DeviceAlreadyCounted = 3,
}

/// <summary>The live status of a series, as served to clients.</summary>
[GenerateSerializer, Immutable, Alias("outage.SeriesStatusView")]
public sealed record SeriesStatusView
{
    /// <summary>Service id.</summary>
    [Id(0)] public required string ServiceId { get; init; }

    /// <summary>Region, empty for worldwide.</summary>
    [Id(1)] public required string Region { get; init; }

    /// <summary>Current level.</summary>
    [Id(2)] public DisruptionLevel Level { get; init; }

    /// <summary>Reports in the explanation window.</summary>
    [Id(3)] public double Observed { get; init; }

    /// <summary>Reports usually seen in the window.</summary>
    [Id(4)] public double Expected { get; init; }

    /// <summary>Surge evidence in nats.</summary>
    [Id(5)] public double Evidence { get; init; }

    /// <summary>Calibrated threshold in nats.</summary>
    [Id(6)] public double Threshold { get; init; }

    /// <summary>Distinct devices in the window.</summary>
    [Id(7)] public int DistinctReporters { get; init; }

    /// <summary>Estimated onset of the current incident.</summary>
    [Id(8)] public DateTimeOffset? Since { get; init; }

    /// <summary>Top categories with shares.</summary>
    [Id(9)] public IReadOnlyList<CategoryShareView> TopCategories { get; init; } = [];

    /// <summary>True while counts fall back.</summary>
    [Id(10)] public bool Recovering { get; init; }

    /// <summary>End of the last bucket assessed.</summary>
    [Id(11)] public DateTimeOffset AssessedAt { get; init; }

    /// <summary>Open incident id, or empty.</summary>
    [Id(12)] public string IncidentId { get; init; } = "";

    /// <summary>The explanation window.</summary>
    [Id(13)] public TimeSpan Window { get; init; }

    /// <summary>The service's official statements of the last day, newest first (set on statuses served to clients).</summary>
    [Id(14)] public IReadOnlyList<StatementView> Statements { get; init; } = [];

    /// <summary>Observed over expected.</summary>
    public double Ratio => Expected > 0 ? Observed / Expected : 0;

    /// <summary>The series this status is of.</summary>
    public SeriesKey Series => new(ServiceId, Region);

    /// <summary>A NORMAL status for a series nobody has reported on.</summary>
    public static SeriesStatusView Quiet(SeriesKey series, DateTimeOffset at) =>
        new() { ServiceId = series.ServiceId, Region = series.Region, Level = DisruptionLevel.Normal, AssessedAt = at, Window = TimeSpan.FromMinutes(15) };

    /// <summary>The status behind a detector assessment.</summary>
    public static SeriesStatusView From(SeriesKey series, SeriesAssessment a, string incidentId)
    {
        var e = a.Explanation;
        return new SeriesStatusView
        {
            ServiceId = series.ServiceId, Region = series.Region, Level = a.Level, Observed = e.Observed, Expected = e.Expected,
            Evidence = e.Evidence, Threshold = e.Threshold, DistinctReporters = e.DistinctReporters, Since = e.Since,
            TopCategories = e.TopCategories.Select(c => new CategoryShareView(c.Category, c.Share)).ToArray(),
            Recovering = e.Recovering, AssessedAt = a.At, IncidentId = incidentId, Window = e.Window,
        };
    }
}

/// <summary>A category and its share of recent reports.</summary>
[GenerateSerializer, Immutable, Alias("outage.CategoryShareView")]
public sealed record CategoryShareView([property: Id(0)] string Category, [property: Id(1)] double Share);

/// <summary>One bucket of a series' history.</summary>
[GenerateSerializer, Immutable, Alias("outage.TimelinePoint")]
public readonly record struct TimelinePoint(
    [property: Id(0)] DateTimeOffset Start,
    [property: Id(1)] int Reports,
    [property: Id(2)] float Expected,
    [property: Id(3)] DisruptionLevel Level);

/// <summary>One change of the status feed.</summary>
[GenerateSerializer, Immutable, Alias("outage.StatusChange")]
public sealed record StatusChange(
    [property: Id(0)] long Sequence,
    [property: Id(1)] SeriesStatusView Status,
    [property: Id(2)] DisruptionLevel PreviousLevel);

/// <summary>Every non-NORMAL status and the feed's last sequence number, taken together.</summary>
[GenerateSerializer, Immutable, Alias("outage.FeedSnapshot")]
public sealed record FeedSnapshot([property: Id(0)] long Sequence, [property: Id(1)] IReadOnlyList<SeriesStatusView> Disruptions)
{
    /// <summary>Every service's official statements of the last day, newest first.</summary>
    [Id(2)] public IReadOnlyList<StatementView> Statements { get; init; } = [];
}

/// <summary>An official statement of a service's owner ("We're aware some people are having trouble...").</summary>
[GenerateSerializer, Immutable, Alias("outage.StatementView")]
public sealed record StatementView
{
    /// <summary>The service it is about.</summary>
    [Id(0)] public required string ServiceId { get; init; }

    /// <summary>What the owner says.</summary>
    [Id(1)] public required string Text { get; init; }

    /// <summary>Who posted it (the API key's name).</summary>
    [Id(2)] public string Author { get; init; } = "";

    /// <summary>When it was posted.</summary>
    [Id(3)] public DateTimeOffset PostedAt { get; init; }

    /// <summary>
    /// The incident it is attached to: the one named when posting, else the open incident of the service's
    /// worldwide series, else that of its series disrupted first; empty when none.
    /// </summary>
    [Id(4)] public string IncidentId { get; init; } = "";

    /// <summary>
    /// For the first statement during a disruption: the time from the crowd's detection (the earliest of the
    /// service's series to leave NORMAL) to this statement, the owner's acknowledgement lag.
    /// </summary>
    [Id(5)] public TimeSpan? AcknowledgementLag { get; init; }
}

/// <summary>An incident: one series' episode, or a parent grouping several.</summary>
[GenerateSerializer, Immutable, Alias("outage.IncidentView")]
public sealed record IncidentView
{
    /// <summary>Incident id.</summary>
    [Id(0)] public required string Id { get; init; }

    /// <summary>Owner (family).</summary>
    [Id(1)] public required string Owner { get; init; }

    /// <summary>Services hit.</summary>
    [Id(2)] public IReadOnlyList<string> Services { get; init; } = [];

    /// <summary>Regions hit.</summary>
    [Id(3)] public IReadOnlyList<string> Regions { get; init; } = [];

    /// <summary>Estimated onset.</summary>
    [Id(4)] public DateTimeOffset Onset { get; init; }

    /// <summary>Detection time.</summary>
    [Id(5)] public DateTimeOffset DetectedAt { get; init; }

    /// <summary>Highest level.</summary>
    [Id(6)] public DisruptionLevel PeakLevel { get; init; }

    /// <summary>Highest explanation-window count.</summary>
    [Id(7)] public double PeakReports { get; init; }

    /// <summary>When counts began to fall back.</summary>
    [Id(8)] public DateTimeOffset? RecoveringSince { get; init; }

    /// <summary>When it closed.</summary>
    [Id(9)] public DateTimeOffset? ClosedAt { get; init; }

    /// <summary>Top categories.</summary>
    [Id(10)] public IReadOnlyList<CategoryShareView> TopCategories { get; init; } = [];

    /// <summary>Parent incident id, or empty.</summary>
    [Id(11)] public string ParentId { get; init; } = "";

    /// <summary>Member incident ids of a parent.</summary>
    [Id(12)] public IReadOnlyList<string> Members { get; init; } = [];

    /// <summary>Official statements on the incident (for a parent, also on its members), newest first.</summary>
    [Id(13)] public IReadOnlyList<StatementView> Statements { get; init; } = [];

    /// <summary>When the highest count was seen; null for incidents recorded before it was kept.</summary>
    [Id(14)] public DateTimeOffset? PeakAt { get; init; }

    /// <summary>Time from detection to the first statement; null while the owner has said nothing.</summary>
    public TimeSpan? AcknowledgementLag => Statements.Count == 0 ? null : Statements.Min(s => s.PostedAt) - DetectedAt;

    /// <summary>True while open.</summary>
    public bool IsOpen => ClosedAt is null;

    /// <summary>The view of one series' incident as the engine tracks it.</summary>
    public static IncidentView From(SeriesIncident i) => new()
    {
        Id = i.Id, Owner = i.Owner, Services = [i.Series.ServiceId], Regions = [i.Series.Region], Onset = i.Onset,
        DetectedAt = i.DetectedAt, PeakLevel = i.PeakLevel, PeakReports = i.PeakCount, PeakAt = i.PeakAt, RecoveringSince = i.RecoveringSince,
        ClosedAt = i.ClosedAt, TopCategories = i.Categories.Select(c => new CategoryShareView(c.Category, c.Share)).ToArray(),
    };

    /// <summary>The engine's incident behind a series incident's view (the inverse of <see cref="From"/>).</summary>
    public SeriesIncident ToSeriesIncident() => new(
        Id, new SeriesKey(Services[0], Regions[0]), Owner, Onset, DetectedAt, PeakLevel, PeakReports, PeakAt ?? DetectedAt, 0,
        TopCategories.Select(c => new CategoryShare(c.Category, c.Share)).ToArray(), RecoveringSince, ClosedAt);
}

/// <summary>The counts of one change of a child series, handed to its parent under the change's roll-up sequence number.</summary>
/// <param name="Sequence">The change's roll-up sequence number (the parent counts each once).</param>
/// <param name="Reports">Reports counted.</param>
/// <param name="Categories">Reports per problem category.</param>
/// <param name="ChildExpectedPerMinute">
/// What the child usually sees per minute, stamped when the delta is sent (0 in deltas queued by earlier versions): a
/// young parent starts from the sum of its children's expectations.
/// </param>
[GenerateSerializer, Immutable, Alias("outage.RollupDelta")]
public sealed record RollupDelta(
    [property: Id(0)] long Sequence,
    [property: Id(1)] int Reports,
    [property: Id(2)] Dictionary<string, int> Categories,
    [property: Id(3)] double ChildExpectedPerMinute = 0);
