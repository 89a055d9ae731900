using Outage.Detection.Simulation;

namespace Outage.Detection.Quality;

/// <summary>A false disruption: DISRUPTED or OUTAGE with no injected incident on that series.</summary>
/// <param name="Scenario">Scenario name.</param>
/// <param name="Episode">The episode.</param>
public sealed record FalseDisruption(string Scenario, DisruptionEpisode Episode);
