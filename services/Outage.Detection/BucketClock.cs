namespace Outage.Detection;

/// <summary>Where buckets of a given width start: on whole multiples of the width since the epoch, in UTC.</summary>
public static class BucketClock
{
    /// <summary>The start of the bucket of <paramref name="width"/> that holds <paramref name="t"/>.</summary>
    public static DateTimeOffset Floor(DateTimeOffset t, TimeSpan width) => new(t.UtcTicks - t.UtcTicks % width.Ticks, TimeSpan.Zero);
}
