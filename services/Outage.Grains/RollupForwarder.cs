using System.Collections.Concurrent;
using Outage.Grains.Abstractions;

namespace Outage.Grains;

/// <summary>
/// Hands the roll-ups of this silo's series to their parents by group commit: at most one call per parent in flight from
/// this silo, and every child that flushes meanwhile travels in the next one (<see cref="ISeriesGrain.AddChildRollupsAsync"/>),
/// so a parent journals one append per call rather than one per child.
/// </summary>
/// <remarks>
/// <para>A country with a thousand subdivisions used to take a thousand calls a second, each with its own journal append in
/// Redis mode; the parent's queue outgrew Orleans' response timeout, the children's timers waited the 30 s out, retried, and
/// the silo went under (the memory probe's 100,000 series, 2026-12-05). Each child still awaits its parent's answer before
/// it drops what it sent, as before: this only shares the call.</para>
/// <para>A plain per-silo service, like the report aggregator: it holds nothing that must survive (each child keeps its
/// outbox until the parent confirms), and a parent's queue is forgotten when it drains.</para>
/// </remarks>
public sealed class RollupForwarder
{
    /// <summary>Children's roll-ups carried by one call at most (the rest go in the next).</summary>
    public const int MaxChildrenPerCall = 1000;

    private readonly ConcurrentDictionary<string, ParentQueue> _queues = new(StringComparer.Ordinal);

    /// <summary>Calls made to parents so far (each carrying one or more children's roll-ups).</summary>
    public long Calls => Interlocked.Read(ref _calls);

    private long _calls;

    /// <summary>Queues <paramref name="rollups"/> for <paramref name="parent"/> and completes with the parent's answer to the call that carried them.</summary>
    /// <param name="parentKey">The parent's grain key (its queue's name).</param>
    /// <param name="parent">The parent series.</param>
    /// <param name="rollups">The child's deltas, oldest first.</param>
    /// <exception cref="Exception">Whatever the call that carried them threw (the child keeps its outbox and sends again).</exception>
    public Task<ParentReading> SendAsync(string parentKey, ISeriesGrain parent, ChildRollups rollups)
    {
        var waiter = new TaskCompletionSource<ParentReading>(TaskCreationOptions.RunContinuationsAsynchronously);
        while (true)
        {
            var queue = _queues.GetOrAdd(parentKey, static (_, p) => new ParentQueue(p), parent);
            lock (queue)
            {
                if (queue.Retired)
                {
                    continue; // drained and forgotten since it was looked up: a new queue takes this send
                }

                queue.Waiting.Add((rollups, waiter));
                if (!queue.Draining)
                {
                    queue.Draining = true;
                    // On the thread pool, not on the calling grain's turn: the drain outlives it and serves every child here.
                    _ = Task.Run(() => DrainAsync(parentKey, queue));
                }
            }

            return waiter.Task;
        }
    }

    private async Task DrainAsync(string key, ParentQueue queue)
    {
        while (true)
        {
            List<(ChildRollups Rollups, TaskCompletionSource<ParentReading> Waiter)> batch;
            lock (queue)
            {
                if (queue.Waiting.Count == 0)
                {
                    queue.Draining = false;
                    queue.Retired = true;
                    _queues.TryRemove(new KeyValuePair<string, ParentQueue>(key, queue));
                    return;
                }

                var take = Math.Min(queue.Waiting.Count, MaxChildrenPerCall);
                batch = queue.Waiting.GetRange(0, take);
                queue.Waiting.RemoveRange(0, take);
            }

            try
            {
                Interlocked.Increment(ref _calls);
                var reading = await queue.Parent.AddChildRollupsAsync(batch.Select(b => b.Rollups).ToArray());
                foreach (var (_, waiter) in batch)
                {
                    waiter.TrySetResult(reading);
                }
            }
            catch (Exception e)
            {
                foreach (var (_, waiter) in batch)
                {
                    waiter.TrySetException(e);
                }
            }
        }
    }

    /// <summary>One parent's queue; guarded by locking the instance.</summary>
    private sealed class ParentQueue(ISeriesGrain parent)
    {
        public ISeriesGrain Parent { get; } = parent;

        public List<(ChildRollups Rollups, TaskCompletionSource<ParentReading> Waiter)> Waiting { get; } = [];

        /// <summary>True while a drain loop owns this queue.</summary>
        public bool Draining { get; set; }

        /// <summary>True once drained and removed from the map: takes no more sends.</summary>
        public bool Retired { get; set; }
    }
}
