using Outage.Detection;
using Outage.Detection.Incidents;

namespace Outage.Grains.Abstractions;

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
