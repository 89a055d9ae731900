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
