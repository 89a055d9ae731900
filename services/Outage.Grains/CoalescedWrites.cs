namespace Outage.Grains;

/// <summary>
/// Group commit for the state of a grain that many series call at once (the status feed, the incident log): at most one
/// write in flight, and every caller that saved while it was in flight shares the next one.
/// </summary>
/// <remarks>
/// <para>When a thousand series open incidents in the same minute, one write per change rewrote the whole feed (or
/// log) a thousand times in a row, each series' ingest waiting its turn; with this, a change waits for at most the write
/// in flight and the one after it, and the number of writes follows the storage's speed, not the number of changes.</para>
/// <para>The grain must let calls interleave while they wait (<c>[Reentrant]</c>): a caller changes the state in one
/// turn, then awaits <see cref="SaveAsync"/>. Not thread-safe, and need not be: a grain runs one turn at a time.</para>
/// </remarks>
/// <param name="write">Writes the grain's whole state (<c>IPersistentState.WriteStateAsync</c>).</param>
/// <param name="written">Runs after each successful write, before its callers resume (e.g. to announce what it saved, in order).</param>
public sealed class CoalescedWrites(Func<Task> write, Action? written = null)
{
    private TaskCompletionSource? _waiting; // callers whose changes the next write must cover
    private bool _writing;

    /// <summary>Writes performed so far.</summary>
    public int Writes { get; private set; }

    /// <summary>Completes when a write that began after this call has finished: the caller's changes so far are saved.</summary>
    /// <exception cref="Exception">Whatever that write threw (the changes stay in memory and go with the next write).</exception>
    public Task SaveAsync()
    {
        var waiting = _waiting ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_writing)
        {
            _ = WriteWhileWaitedForAsync();
        }

        return waiting.Task;
    }

    private async Task WriteWhileWaitedForAsync()
    {
        _writing = true;
        try
        {
            while (_waiting is { } batch)
            {
                _waiting = null;
                try
                {
                    Writes++;
                    await write();
                    written?.Invoke();
                    batch.SetResult();
                }
                catch (Exception e)
                {
                    batch.SetException(e);
                }
            }
        }
        finally
        {
            _writing = false;
        }
    }
}
