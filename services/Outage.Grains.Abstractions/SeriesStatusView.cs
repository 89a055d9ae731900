using Outage.Detection;
using Outage.Detection.Incidents;

namespace Outage.Grains.Abstractions;

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
