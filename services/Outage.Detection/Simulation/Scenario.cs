using Outage.Detection.Incidents;

namespace Outage.Detection.Simulation;

/// <summary>The normal traffic of one simulated series.</summary>
/// <param name="Series">Service and region.</param>
/// <param name="Owner">Owner (family) of the service.</param>
/// <param name="ReportsPerMinute">Mean reports per minute over a day.</param>
/// <param name="DailyAmplitude">Relative swing of the daily rhythm (0.6 means ±60 %).</param>
/// <param name="PeakHourUtc">Hour of the daily peak, UTC.</param>
/// <param name="Dispersion">Overdispersion of the noise (0 is Poisson).</param>
/// <param name="FirstReport">When the series starts to exist (cold start); null for a series with full history.</param>
public sealed record SimulatedSeries(
    SeriesKey Series,
    string Owner,
    double ReportsPerMinute,
    double DailyAmplitude = 0.6,
    double PeakHourUtc = 18,
    double Dispersion = 0.02,
    DateTimeOffset? FirstReport = null);

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

/// <summary>A named simulation: series with their rhythm, and injected incidents with ground truth.</summary>
/// <param name="Name">Scenario name, as given to <c>outage simulate --scenario</c>.</param>
/// <param name="Description">What it shows.</param>
/// <param name="Start">First bucket (history starts here: the detector learns from it).</param>
/// <param name="Duration">Length of the simulation.</param>
/// <param name="Series">Series simulated (region series; the simulator adds each service's worldwide series).</param>
/// <param name="Incidents">Injected incidents.</param>
/// <param name="Seed">Seed of the noise: the same seed gives the same counts.</param>
/// <param name="ScoredFrom">Start of the part scored for false alarms (after the detector's warm-up).</param>
public sealed record Scenario(
    string Name,
    string Description,
    DateTimeOffset Start,
    TimeSpan Duration,
    IReadOnlyList<SimulatedSeries> Series,
    IReadOnlyList<InjectedIncident> Incidents,
    int Seed,
    DateTimeOffset ScoredFrom)
{
    /// <summary>End of the simulation.</summary>
    public DateTimeOffset End => Start + Duration;
}
