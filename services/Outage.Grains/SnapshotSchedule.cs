namespace Outage.Grains;

/// <summary>
/// When a series writes its snapshot: once after each bucket close, at the series' own offset into the new bucket (from a
/// hash of its key, within the first three quarters), so that the series of a silo do not all write at the boundary.
/// </summary>
/// <remarks>
/// Every series closes its bucket within a second of the minute. Written there, 100,000 series sent about 300 MB to Redis at
/// once, which timed out (5 s) both the snapshots and the journal appends queued behind them, so callers were answered
/// UNAVAILABLE each minute (the memory probe in Redis mode, 2026-12-04). Spread over the bucket it is the same volume at a
/// steady rate. With the durable acknowledgement the journal holds every change until the snapshot does, so nothing
/// acknowledged depends on when it is written; without it a crash now loses up to two buckets of counts rather than one.
/// </remarks>
/// <param name="seriesHash">A hash of the series' key, stable across activations.</param>
/// <param name="bucketWidth">The bucket width.</param>
internal sealed class SnapshotSchedule(uint seriesHash, TimeSpan bucketWidth)
{
    private readonly TimeSpan _offset = TimeSpan.FromTicks((long)(seriesHash % (ulong)Math.Max(1, bucketWidth.Ticks * 3 / 4)));
    private bool _due;

    /// <summary>How far into each bucket this series writes its snapshot.</summary>
    public TimeSpan Offset => _offset;

    /// <summary>True when a closed bucket's state is still unwritten.</summary>
    public bool IsDue => _due;

    /// <summary>A bucket closed: its state is to be written.</summary>
    public void BucketClosed() => _due = true;

    /// <summary>True when a closed bucket's state is still unwritten and the open bucket has reached this series' offset.</summary>
    public bool IsDueAt(DateTimeOffset now, DateTimeOffset openStart) => _due && now - openStart >= _offset;

    /// <summary>The state was written.</summary>
    public void Saved() => _due = false;
}
