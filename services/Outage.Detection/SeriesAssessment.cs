namespace Outage.Detection;

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
