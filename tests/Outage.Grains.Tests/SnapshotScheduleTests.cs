using Orleans.Runtime;

namespace Outage.Grains.Tests;

public class SnapshotScheduleTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    private static SnapshotSchedule For(string series) => new(GrainId.Create("series", series).GetUniformHashCode(), Minute);

    [Fact]
    public void TheSeriesOfASiloWriteSpreadOverTheBucketNotAtItsBoundary()
    {
        var offsets = Enumerable.Range(0, 10_000).Select(i => For($"facebook/US-{i:X}").Offset).ToList();

        Assert.All(offsets, o => Assert.InRange(o, TimeSpan.Zero, Minute * 3 / 4));
        // Each of the 45 seconds gets about 222 series; none gets more than twice its share.
        var perSecond = offsets.GroupBy(o => (int)o.TotalSeconds).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(45, perSecond.Count);
        Assert.All(perSecond.Values, n => Assert.InRange(n, 111, 444));
    }

    [Fact]
    public void ASnapshotIsDueOnceAfterABucketClosedAndOnlyFromTheSeriesOffset()
    {
        var schedule = For("gmail/AR");
        var openStart = new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);
        Assert.False(schedule.IsDueAt(openStart + Minute, openStart)); // nothing closed yet

        schedule.BucketClosed();
        if (schedule.Offset > TimeSpan.Zero)
        {
            Assert.False(schedule.IsDueAt(openStart + schedule.Offset - TimeSpan.FromTicks(1), openStart));
        }

        Assert.True(schedule.IsDueAt(openStart + schedule.Offset, openStart));
        schedule.Saved();
        Assert.False(schedule.IsDueAt(openStart + Minute, openStart));
        Assert.Equal(schedule.Offset, For("gmail/AR").Offset); // the same offset in every activation
    }
}
