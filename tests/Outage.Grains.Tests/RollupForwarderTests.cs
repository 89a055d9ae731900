using Orleans.Concurrency;
using Outage.Grains.Abstractions;

namespace Outage.Grains.Tests;

public class RollupForwarderTests
{
    private static readonly ParentReading Reading = new(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero), 42, 10, true);

    private static ChildRollups Rollups(string child) => new(child, [new RollupDelta(1, 1, new Dictionary<string, int> { ["login"] = 1 })]);

    [Fact]
    public async Task ChildrenThatSendWhileACallIsInFlightShareTheNextCall()
    {
        var parent = new HeldParent();
        var forwarder = new RollupForwarder();

        var first = forwarder.SendAsync("x/US", parent, Rollups("x/US-0"));
        await parent.Called.WaitAsync(TimeSpan.FromSeconds(10));
        var others = Enumerable.Range(1, 300).Select(i => forwarder.SendAsync("x/US", parent, Rollups($"x/US-{i}"))).ToArray();
        parent.Release();

        Assert.Equal(Reading, await first.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.All(await Task.WhenAll(others).WaitAsync(TimeSpan.FromSeconds(10)), r => Assert.Equal(Reading, r));
        Assert.Equal([1, 300], parent.Batches.Select(b => b.Length));
        Assert.Equal(Enumerable.Range(0, 301).Select(i => $"x/US-{i}"), parent.Batches.SelectMany(b => b).Select(r => r.Child));
        Assert.Equal(2, forwarder.Calls);
    }

    [Fact]
    public async Task AFailedCallFailsEveryChildItCarriedAndTheNextSendIsCarriedAfresh()
    {
        var parent = new HeldParent { Failure = new TimeoutException("parent too slow") };
        var forwarder = new RollupForwarder();

        var first = forwarder.SendAsync("x/DE", parent, Rollups("x/DE-0"));
        await parent.Called.WaitAsync(TimeSpan.FromSeconds(10));
        var queued = Enumerable.Range(1, 3).Select(i => forwarder.SendAsync("x/DE", parent, Rollups($"x/DE-{i}"))).ToArray();
        parent.Release();

        await Assert.ThrowsAsync<TimeoutException>(() => first.WaitAsync(TimeSpan.FromSeconds(10)));
        foreach (var send in queued)
        {
            await Assert.ThrowsAsync<TimeoutException>(() => send.WaitAsync(TimeSpan.FromSeconds(10)));
        }

        parent.Failure = null;
        Assert.Equal(Reading, await forwarder.SendAsync("x/DE", parent, Rollups("x/DE-0")).WaitAsync(TimeSpan.FromSeconds(10)));
    }

    /// <summary>A parent that holds its first call until released, and records what each call carried.</summary>
    private sealed class HeldParent : ISeriesGrain
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public SemaphoreSlim Called { get; } = new(0);

        public List<ChildRollups[]> Batches { get; } = [];

        public Exception? Failure { get; set; }

        public void Release() => _gate.TrySetResult();

        public async Task<ParentReading> AddChildRollupsAsync(ChildRollups[] batch)
        {
            lock (Batches)
            {
                Batches.Add(batch);
            }

            Called.Release();
            await _gate.Task;
            return Failure is { } failure ? throw failure : Reading;
        }

        public Task<ParentReading> AddRollupsAsync(string child, RollupDelta[] deltas) => throw new NotSupportedException();

        public Task<Immutable<IngestOutcome[]>> IngestAsync(IngestItem[] items) => throw new NotSupportedException();

        public Task<SeriesStatusView> GetStatusAsync() => throw new NotSupportedException();

        public Task<SeriesStatusView?> PeekStatusAsync() => throw new NotSupportedException();

        public Task<TimelinePoint[]> GetTimelineAsync(TimeSpan window) => throw new NotSupportedException();

        public Task<DailySummary[]> GetHistoryAsync(int days) => throw new NotSupportedException();
    }
}
