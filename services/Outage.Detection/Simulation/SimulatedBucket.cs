using Outage.Detection.Incidents;

namespace Outage.Detection.Simulation;

/// <summary>The counts of every simulated series in one bucket.</summary>
/// <param name="Start">Bucket start.</param>
/// <param name="Series">Series, in the order of <see cref="ScenarioSimulator.SeriesKeys"/>.</param>
/// <param name="Buckets">The bucket of each series.</param>
public sealed record SimulatedBucket(DateTimeOffset Start, IReadOnlyList<SeriesKey> Series, IReadOnlyList<BucketObservation> Buckets);
