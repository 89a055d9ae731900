using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;
using Outage.Grains;
using Outage.Grains.Abstractions;
using Outage.Host.Storage;
using StackExchange.Redis;

namespace Outage.Integration.Tests;

/// <summary>The series journal against a real redis-server: order, trimming, and fencing of an older activation.</summary>
public sealed class RedisSeriesJournalTests : IDisposable
{
    private readonly RedisServer _redis = new();
    private readonly ConnectionMultiplexer _connection;
    private readonly RedisSeriesJournal _journal;

    public RedisSeriesJournalTests()
    {
        _connection = ConnectionMultiplexer.Connect(_redis.ConnectionString);
        var serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer<SeriesChange>>();
        _journal = new RedisSeriesJournal(_connection, serializer, "journal-test");
    }

    public void Dispose()
    {
        _connection.Dispose();
        _redis.Dispose();
    }

    private static SeriesChange Change(long sequence, int reports) =>
        new(sequence, DateTimeOffset.UnixEpoch.AddMinutes(sequence), [(ulong)sequence * 7919], [(ulong)sequence * 104729], reports,
            new Dictionary<string, int> { ["login"] = reports }, null, 0);

    [Fact]
    public async Task ChangesComeBackInOrderAfterASequenceAndATrimDropsThoseASnapshotHolds()
    {
        await _journal.ClaimAsync("x/US", "a");
        foreach (var sequence in new long[] { 1, 2, 3, 4, 5 })
        {
            await _journal.AppendAsync("x/US", "a", [Change(sequence, (int)sequence * 10)]);
        }

        var after2 = await _journal.ReadAsync("x/US", 2);
        Assert.Equal([3L, 4L, 5L], after2.Select(c => c.Sequence));
        Assert.Equal([30, 40, 50], after2.Select(c => c.Reports));
        Assert.Equal([4UL * 104729], after2[1].Devices);

        await _journal.TrimAsync("x/US", "a", 4);
        Assert.Equal([5L], (await _journal.ReadAsync("x/US", 0)).Select(c => c.Sequence));
        Assert.Empty(await _journal.ReadAsync("x/other", 0));
    }

    [Fact]
    public async Task ANewerActivationsClaimFencesTheOlderOne()
    {
        await _journal.ClaimAsync("x/DE", "old");
        await _journal.AppendAsync("x/DE", "old", [Change(1, 1)]);

        await _journal.ClaimAsync("x/DE", "new");

        await Assert.ThrowsAsync<InconsistentStateException>(() => _journal.AppendAsync("x/DE", "old", [Change(2, 2)]));
        await Assert.ThrowsAsync<InconsistentStateException>(() => _journal.TrimAsync("x/DE", "old", 1));
        await _journal.AppendAsync("x/DE", "new", [Change(2, 3)]);
        var changes = await _journal.ReadAsync("x/DE", 0);
        Assert.Equal([(1L, 1), (2L, 3)], changes.Select(c => (c.Sequence, c.Reports)));
    }

    [Fact]
    public async Task SeveralChangesAppendedInOneCallLandTogetherOrNotAtAll()
    {
        await _journal.ClaimAsync("x/FR", "a");
        await _journal.AppendAsync("x/FR", "a", [Change(1, 1), Change(2, 2), Change(3, 3)]);
        Assert.Equal([(1L, 1), (2L, 2), (3L, 3)], (await _journal.ReadAsync("x/FR", 0)).Select(c => (c.Sequence, c.Reports)));

        await _journal.ClaimAsync("x/FR", "b");
        await Assert.ThrowsAsync<InconsistentStateException>(() => _journal.AppendAsync("x/FR", "a", [Change(4, 4), Change(5, 5)]));
        Assert.Equal([1L, 2L, 3L], (await _journal.ReadAsync("x/FR", 0)).Select(c => c.Sequence));
    }
}
