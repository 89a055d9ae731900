namespace Outage.Grains.Tests;

public class CoalescedWritesTests
{
    /// <summary>A write that finishes when the test says so (continuations run inline, as one grain turn after another).</summary>
    private sealed class GatedStore
    {
        private TaskCompletionSource _gate = new();

        public int Started { get; private set; }

        public bool FailNext { get; set; }

        public Task WriteAsync()
        {
            Started++;
            _gate = new TaskCompletionSource();
            return _gate.Task;
        }

        public void Finish()
        {
            var fail = FailNext;
            FailNext = false;
            if (fail)
            {
                _gate.SetException(new TimeoutException("storage timed out"));
            }
            else
            {
                _gate.SetResult();
            }
        }
    }

    [Fact]
    public async Task CallersThatSaveDuringAWriteShareTheNextOne()
    {
        var store = new GatedStore();
        var announced = new List<int>();
        var writes = new CoalescedWrites(store.WriteAsync, () => announced.Add(store.Started));

        var first = writes.SaveAsync();
        var during = Enumerable.Range(0, 100).Select(_ => writes.SaveAsync()).ToArray();

        Assert.Equal(1, store.Started);
        store.Finish();
        await first;
        Assert.All(during, t => Assert.False(t.IsCompleted)); // their changes came after the first write began
        Assert.Equal(2, store.Started);
        store.Finish();
        await Task.WhenAll(during);

        Assert.Equal(2, writes.Writes);
        Assert.Equal([1, 2], announced);
        Assert.Equal(2, store.Started); // nothing waits: no third write
    }

    [Fact]
    public async Task AFailedWriteFailsItsOwnCallersAndTheNextSaveWritesAgain()
    {
        var store = new GatedStore();
        var announced = 0;
        var writes = new CoalescedWrites(store.WriteAsync, () => announced++);

        var failing = writes.SaveAsync();
        var next = writes.SaveAsync();
        store.FailNext = true;
        store.Finish();

        await Assert.ThrowsAsync<TimeoutException>(() => failing);
        Assert.Equal(0, announced); // nothing is announced that was not saved
        store.Finish();
        await next;
        Assert.Equal(1, announced);

        var later = writes.SaveAsync();
        Assert.Equal(3, store.Started);
        store.Finish();
        await later;
        Assert.Equal(2, announced);
    }
}
