namespace Outage.Detection;

/// <summary>A problem category and its share of the recent reports.</summary>
/// <param name="Category">Category name, as in the catalog (for example <c>login</c>).</param>
/// <param name="Share">Share of recent reports in this category, from 0 to 1.</param>
public readonly record struct CategoryShare(string Category, double Share);

/// <summary>Why the detector holds its verdict: the figures behind a level, in the terms users read.</summary>
/// <param name="Window">The window the figures cover (the explanation window, 15 minutes by default).</param>
/// <param name="Observed">Reports in the window, each device counted at most once per bucket; buckets from before the last recovery count as usual.</param>
/// <param name="Expected">Reports usually seen in such a window at this time of day and week.</param>
/// <param name="Ratio">Observed over expected.</param>
/// <param name="Evidence">Strength of the surge evidence, in nats (−ln of a tail-probability bound), maximum over the scan windows.</param>
/// <param name="Threshold">The series' calibrated evidence threshold, in nats.</param>
/// <param name="DistinctReporters">Distinct devices that reported in the window.</param>
/// <param name="Since">Estimated onset of the current incident; null when normal.</param>
/// <param name="TopCategories">The most reported problem categories with their shares, most reported first.</param>
/// <param name="Recovering">True while counts fall back towards the baseline during an incident.</param>
public sealed record Explanation(
    TimeSpan Window,
    double Observed,
    double Expected,
    double Ratio,
    double Evidence,
    double Threshold,
    int DistinctReporters,
    DateTimeOffset? Since,
    IReadOnlyList<CategoryShare> TopCategories,
    bool Recovering);

/// <summary>The detector's verdict after one bucket.</summary>
/// <param name="At">End of the bucket just assessed: the time the verdict holds from.</param>
/// <param name="Level">Current level.</param>
/// <param name="PreviousLevel">Level before this bucket.</param>
/// <param name="Explanation">The figures behind the verdict.</param>
/// <param name="ExpectedInBucket">Expected reports in the bucket just assessed (the baseline, for charts).</param>
public sealed record SeriesAssessment(
    DateTimeOffset At,
    DisruptionLevel Level,
    DisruptionLevel PreviousLevel,
    Explanation Explanation,
    double ExpectedInBucket)
{
    /// <summary>True when the level differs from the level before this bucket.</summary>
    public bool LevelChanged => Level != PreviousLevel;

    /// <summary>True when the series left NORMAL with this bucket: an incident opens.</summary>
    public bool IncidentOpened => PreviousLevel == DisruptionLevel.Normal && Level != DisruptionLevel.Normal;

    /// <summary>True when the series returned to NORMAL with this bucket: the incident is over.</summary>
    public bool IncidentClosed => PreviousLevel != DisruptionLevel.Normal && Level == DisruptionLevel.Normal;
}
