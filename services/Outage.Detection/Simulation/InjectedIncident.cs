using Outage.Detection.Incidents;

namespace Outage.Detection.Simulation;

/// <summary>An injected incident: the ground truth the detector is judged against.</summary>
/// <param name="Name">Short description.</param>
/// <param name="Services">Services hit.</param>
/// <param name="Regions">Regions hit (as in <see cref="SeriesKey.Region"/>).</param>
/// <param name="Start">Onset.</param>
/// <param name="Duration">From onset to the end of the ramp down.</param>
/// <param name="Multiplier">Peak multiple of the normal rate (for example 100 for a total outage).</param>
/// <param name="RampUp">Time to reach the peak multiple.</param>
/// <param name="RampDown">Time to fall back to normal at the end.</param>
/// <param name="CategoryMix">Shares of the extra reports per category; null for the service's usual mix.</param>
/// <param name="Collateral">True for a rise on a healthy service caused by another's outage: flagging it is not a false alarm, missing it is not a miss.</param>
public sealed record InjectedIncident(
    string Name,
    IReadOnlyList<string> Services,
    IReadOnlyList<string> Regions,
    DateTimeOffset Start,
    TimeSpan Duration,
    double Multiplier,
    TimeSpan RampUp,
    TimeSpan RampDown,
    IReadOnlyDictionary<string, double>? CategoryMix = null,
    bool Collateral = false)
{
    /// <summary>End of the incident.</summary>
    public DateTimeOffset End => Start + Duration;

    /// <summary>Multiple of the normal rate at <paramref name="time"/> (1 outside the incident).</summary>
    public double MultiplierAt(DateTimeOffset time)
    {
        if (time < Start || time >= End)
        {
            return 1;
        }

        var sinceStart = time - Start;
        var untilEnd = End - time;
        var up = RampUp <= TimeSpan.Zero ? 1 : Math.Min(1, sinceStart / RampUp);
        var down = RampDown <= TimeSpan.Zero ? 1 : Math.Min(1, untilEnd / RampDown);
        return 1 + (Multiplier - 1) * Math.Min(up, down);
    }

    /// <summary>True when the incident hits <paramref name="series"/>.</summary>
    public bool Hits(SeriesKey series) => Services.Contains(series.ServiceId) && Regions.Contains(series.Region);
}
