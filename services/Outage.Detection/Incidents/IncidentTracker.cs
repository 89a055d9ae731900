namespace Outage.Detection.Incidents;

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
