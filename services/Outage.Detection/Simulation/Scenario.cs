using Outage.Detection.Incidents;

namespace Outage.Detection.Simulation;

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
