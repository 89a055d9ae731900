using Outage.Grains.Dedupe;
using Outage.Grains.Abstractions;

namespace Outage.Grains.Tests;

public class DedupeTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private static ulong[] RandomKeys(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (ulong)random.NextInt64() ^ ((ulong)random.Next() << 63)).ToArray();
    }

    [Fact]
    public void ATableHoldsWhatWasAddedAndGrowsWithoutLosingAnything()
    {
        var table = new FingerprintTable();
        var keys = RandomKeys(100_000, 1);
        foreach (var key in keys)
        {
            Assert.True(table.Add(key, int.MaxValue));
        }

        Assert.All(keys, k => Assert.True(table.Contains(k)));
        Assert.InRange(table.Count, 99_990, 100_000); // a few keys may share a fingerprint
        // Bytes per key: 4-byte fingerprints at a load of 3/8 to 3/4.
        Assert.InRange(table.Bytes / (double)table.Count, 5.3, 10.7);
    }

    [Fact]
    public void FalseDuplicatesStayWithinTheStatedBound()
    {
        var table = new FingerprintTable();
        foreach (var key in RandomKeys(1_000_000, 2))
        {
            table.Add(key, int.MaxValue);
        }

        var falseHits = RandomKeys(1_000_000, 3).Count(table.Contains);
        // Stated bound: Count / 2^32 per lookup, here 2.3e-4, so about 233 of a million; allow twice that.
        Assert.InRange(falseHits, 0, 2L * 1_000_000 * 1_000_000 / (1L << 32));
    }

    [Fact]
    public void ATableStopsRememberingAtItsCapacity()
    {
        var table = new FingerprintTable();
        var keys = RandomKeys(1_001, 4);
        Assert.All(keys[..1_000], k => Assert.True(table.Add(k, 1_000)));

        Assert.False(table.Add(keys[1_000], 1_000));
        Assert.False(table.Contains(keys[1_000]));
        Assert.Equal(1_000, table.Count);
    }

    [Fact]
    public void ARotatingSetRemembersForTheWindowAndForgetsAfterFourThirdsOfIt()
    {
        var window = TimeSpan.FromMinutes(15);
        var set = new RotatingFingerprintSet(4, T0);
        var early = 0x1234_5678_9ABC_DEF0UL;
        set.Add(early, 100);

        for (var minute = 1; minute <= 15; minute++)
        {
            set.Rotate(T0.AddMinutes(minute), window);
            Assert.True(set.Contains(early), $"forgotten after {minute} minutes");
        }

        set.Rotate(T0.AddMinutes(20), window);
        Assert.False(set.Contains(early));
        Assert.Equal(0, set.Count);
    }

    [Fact]
    public void ARotatingSetStartsAfreshAfterAnIdleSpellAndKeepsRecentKeys()
    {
        var window = TimeSpan.FromMinutes(15);
        var set = new RotatingFingerprintSet(4, T0);
        set.Add(1UL << 33, 100);
        set.Rotate(T0.AddHours(5), window);
        Assert.Equal(0, set.Count);

        set.Add(2UL << 33, 100);
        set.Rotate(T0.AddHours(5).AddMinutes(6), window);
        Assert.True(set.Contains(2UL << 33));
    }
}
