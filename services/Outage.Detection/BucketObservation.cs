namespace Outage.Detection;

/// <summary>The reports of one series counted over one bucket of time.</summary>
/// <param name="Start">Start of the bucket. The engine never reads the clock: this is its only notion of time.</param>
/// <param name="Count">Reports counted in the bucket (after deduplication).</param>
/// <param name="DistinctReporters">
/// Distinct devices among those reports. The service counts one report per device per service per
/// dedupe window (15 minutes by default), so summing this over buckets of a window no longer than the
/// dedupe window gives the distinct reporters of that window.
/// </param>
/// <param name="Categories">Reports per problem category in the bucket, or null when unknown.</param>
public readonly record struct BucketObservation(
    DateTimeOffset Start,
    int Count,
    int DistinctReporters,
    IReadOnlyDictionary<string, int>? Categories = null)
{
    /// <summary>A bucket whose reports all come from distinct reporters and carry no category (replayed counts).</summary>
    public static BucketObservation FromCount(DateTimeOffset start, int count) => new(start, count, count);
}
