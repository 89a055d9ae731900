namespace Outage.Detection;

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
