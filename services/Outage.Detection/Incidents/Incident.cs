namespace Outage.Detection.Incidents;

/// <summary>What an incident of one series knows: one episode away from NORMAL.</summary>
/// <param name="Id">Stable id, derived from the series and the detection time.</param>
/// <param name="Series">The series.</param>
/// <param name="Owner">The owner (family) of the service, such as <c>meta</c>.</param>
/// <param name="Onset">Estimated start of the surge (start of the window that triggered detection).</param>
/// <param name="DetectedAt">When the series left NORMAL.</param>
/// <param name="PeakLevel">The highest level reached.</param>
/// <param name="PeakCount">The highest count over the explanation window.</param>
/// <param name="PeakAt">When <paramref name="PeakCount"/> was reached.</param>
/// <param name="PeakRatio">Observed over expected at the peak.</param>
/// <param name="Categories">Reports per problem category over the incident (top categories as shares).</param>
/// <param name="RecoveringSince">When counts started falling back, while recovering; null otherwise.</param>
/// <param name="ClosedAt">When the series was declared recovered; null while open.</param>
public sealed record SeriesIncident(
    string Id,
    SeriesKey Series,
    string Owner,
    DateTimeOffset Onset,
    DateTimeOffset DetectedAt,
    DisruptionLevel PeakLevel,
    double PeakCount,
    DateTimeOffset PeakAt,
    double PeakRatio,
    IReadOnlyList<CategoryShare> Categories,
    DateTimeOffset? RecoveringSince,
    DateTimeOffset? ClosedAt)
{
    /// <summary>True until the series is declared recovered.</summary>
    public bool IsOpen => ClosedAt is null;

    /// <summary>Delay from estimated onset to detection.</summary>
    public TimeSpan DetectionDelay => DetectedAt - Onset;
}

/// <summary>Turns one series' assessments into its incidents: a pure state machine, one open incident at a time.</summary>
/// <param name="series">The series tracked.</param>
/// <param name="owner">Owner (family) of its service.</param>
/// <param name="current">The open incident, when resuming from saved state.</param>
public sealed class IncidentTracker(SeriesKey series, string owner, SeriesIncident? current = null)
{
    private SeriesIncident? _current = current;

    /// <summary>The open incident, if any.</summary>
    public SeriesIncident? Current => _current;

    /// <summary>Advances with the next assessment; returns the incident when it opened, changed or closed, else null.</summary>
    public SeriesIncident? Observe(SeriesAssessment assessment)
    {
        var e = assessment.Explanation;
        if (assessment.IncidentOpened)
        {
            _current = new SeriesIncident(
                $"{series}@{assessment.At.UtcDateTime:yyyyMMddTHHmmss}",
                series, owner, e.Since ?? assessment.At, assessment.At, assessment.Level,
                e.Observed, assessment.At, e.Ratio, e.TopCategories, null, null);
            return _current;
        }

        if (_current is null)
        {
            return null;
        }

        var previous = _current;
        if (assessment.IncidentClosed)
        {
            _current = null;
            return previous with { ClosedAt = assessment.At, RecoveringSince = previous.RecoveringSince ?? assessment.At };
        }

        var next = previous with
        {
            PeakLevel = assessment.Level > previous.PeakLevel ? assessment.Level : previous.PeakLevel,
            RecoveringSince = e.Recovering ? previous.RecoveringSince ?? assessment.At : null,
        };
        if (e.Observed > previous.PeakCount)
        {
            next = next with { PeakCount = e.Observed, PeakAt = assessment.At, PeakRatio = e.Ratio, Categories = e.TopCategories };
        }

        _current = next;
        return next == previous ? null : next;
    }
}
