using System.Diagnostics;
using Outage.Detection.Incidents;
using Outage.Detection.Simulation;

namespace Outage.Detection.Quality;

/// <summary>What running the detectors over a scenario produced.</summary>
/// <param name="Scenario">The scenario.</param>
/// <param name="Truth">Its ground truth.</param>
/// <param name="Episodes">Every episode of every series.</param>
/// <param name="Groups">Parent incidents formed by the correlator (closed and still open).</param>
/// <param name="Series">Number of series.</param>
/// <param name="Buckets">Number of buckets stepped over all series.</param>
/// <param name="Elapsed">Wall time of the run.</param>
/// <param name="MaxStateBytes">Largest detector state seen, in bytes.</param>
public sealed record ScenarioRunResult(
    Scenario Scenario,
    IReadOnlyList<TruthOnSeries> Truth,
    IReadOnlyList<DisruptionEpisode> Episodes,
    IReadOnlyList<GroupIncident> Groups,
    int Series,
    long Buckets,
    TimeSpan Elapsed,
    int MaxStateBytes);
