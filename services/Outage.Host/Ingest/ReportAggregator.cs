using Outage.Detection;
using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Options;
using Outage.Grains;
using Outage.Grains.Abstractions;

namespace Outage.Host.Ingest;

/// <summary>
/// Pre-aggregates reports in this process by group commit: each series has at most one grain call in
/// flight from this process, and the reports that arrive meanwhile form the next batch. A quiet series
/// is answered after one grain call; a hot one is handed batches as large as its load (up to
/// <see cref="IntakeOptions.MaxReportsPerGrainCall"/>), so the call rate per grain stays a few per second per process
/// whatever the report rate. Every caller gets its own report's outcome once the grain has decided. A series' queue is
/// forgotten after one to two <see cref="IntakeOptions.IdleQueueSweep"/> periods without a report.
/// </summary>
/// <remarks>
/// A plain in-process service rather than a [StatelessWorker] grain: it has no activation that could
/// be collected with counts still pending, and it runs unchanged in a silo and in an edge (Orleans
/// client). On shutdown it waits until everything pending has been handed over.
/// </remarks>
public sealed partial class ReportAggregator(IGrainFactory grains, IOptions<IntakeOptions> options, ILogger<ReportAggregator> logger)
    : IHostedService
{
    private readonly int _maxBatch = options.Value.MaxReportsPerGrainCall;
    private readonly TimeSpan _sweepPeriod = options.Value.IdleQueueSweep;
    private readonly ConcurrentDictionary<SeriesKey, Pending> _pending = new();
    private Timer? _sweeper;

    /// <summary>Queues a validated report for its series and completes with the grain's outcome.</summary>
    public Task<IngestOutcome> SubmitAsync(SeriesKey seriesKey, IngestItem item)
    {
        var waiter = new TaskCompletionSource<IngestOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        while (true)
        {
            var pending = _pending.GetOrAdd(seriesKey, static _ => new Pending());
            lock (pending)
            {
                if (pending.Retired)
                {
                    continue; // swept away since it was looked up: its successor takes the report
                }

                pending.Items.Add(item);
                pending.Waiters.Add(waiter);
                pending.Origins.Add(Activity.Current?.Context ?? default);
                pending.Used = true;
                if (!pending.Draining)
                {
                    pending.Draining = true;
                    pending.Drain = Task.Run(() => DrainAsync(seriesKey, pending));
                }
            }

            return waiter.Task;
        }
    }

    /// <summary>
    /// Forgets the queues of series that had no report since the previous sweep, so that this process's memory follows
    /// the series that are active, not every series it ever saw (a quiet series' grain is collected the same way).
    /// </summary>
    /// <returns>The queues forgotten.</returns>
    public int SweepIdle()
    {
        var forgotten = 0;
        foreach (var (seriesKey, pending) in _pending)
        {
            lock (pending)
            {
                if (pending.Used || pending.Draining)
                {
                    pending.Used = false;
                    continue;
                }

                pending.Retired = true;
                _pending.TryRemove(new KeyValuePair<SeriesKey, Pending>(seriesKey, pending));
                forgotten++;
            }
        }

        return forgotten;
    }

    /// <summary>Series whose queue this process holds (active since the last sweep or the one before).</summary>
    public int QueuedSeries => _pending.Count;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_sweepPeriod > TimeSpan.Zero)
        {
            _sweeper = new Timer(_ => SweepIdle(), null, _sweepPeriod, _sweepPeriod);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_sweeper is not null)
        {
            await _sweeper.DisposeAsync();
        }

        // Nothing accepted is lost: every queued report is handed over before the process leaves.
        await WhenDrainedAsync();
    }

    /// <summary>Completes when every report queued so far has been handed to its grain and answered.</summary>
    public Task WhenDrainedAsync()
    {
        var drains = new List<Task>();
        foreach (var pending in _pending.Values)
        {
            lock (pending)
            {
                drains.Add(pending.Drain);
            }
        }

        return Task.WhenAll(drains);
    }

    /// <summary>Hands the series' queued reports to its grain, one call at a time, until none are left.</summary>
    private async Task DrainAsync(SeriesKey seriesKey, Pending pending)
    {
        // Resolved once per series: GetGrain looks the interface's attributes up by reflection each time.
        var grain = pending.Grain ??= grains.GetSeries(seriesKey);
        while (true)
        {
            IngestItem[] items;
            TaskCompletionSource<IngestOutcome>[] waiters;
            ActivityContext[] origins;
            lock (pending)
            {
                if (pending.Items.Count == 0)
                {
                    pending.Draining = false;
                    return;
                }

                var take = Math.Min(pending.Items.Count, _maxBatch);
                items = pending.Items.GetRange(0, take).ToArray();
                waiters = pending.Waiters.GetRange(0, take).ToArray();
                origins = pending.Origins.GetRange(0, take).ToArray();
                pending.Items.RemoveRange(0, take);
                pending.Waiters.RemoveRange(0, take);
                pending.Origins.RemoveRange(0, take);
            }

            using var activity = StartBatchActivity(seriesKey, origins);
            try
            {
                var outcomes = (await grain.IngestAsync(items)).Value;
                for (var i = 0; i < waiters.Length; i++)
                {
                    waiters[i].TrySetResult(outcomes[i]);
                }
            }
            catch (Exception e)
            {
                activity?.SetStatus(ActivityStatusCode.Error, e.GetType().Name);
                LogHandOverFailed(logger, e, seriesKey.ToString(), items.Length);
                foreach (var waiter in waiters)
                {
                    waiter.TrySetException(e);
                }
            }
        }
    }

    /// <summary>
    /// One span per batch, a child of the first caller's request and linked to the others' (up to
    /// <see cref="MaxLinks"/>): the trace of a report leads from its gRPC call through this batch to the
    /// grain call and its Redis writes, though the drain loop outlives any one request.
    /// </summary>
    private static Activity? StartBatchActivity(SeriesKey seriesKey, ActivityContext[] origins)
    {
        Activity.Current = null; // not the request that happened to start this drain loop
        var links = origins.Skip(1).Where(o => o != default).Distinct().Take(MaxLinks).Select(o => new ActivityLink(o));
        var activity = OutageMetrics.ActivitySource.StartActivity("ingest batch", ActivityKind.Internal, origins[0], links: links);
        activity?.SetTag("outage.series", seriesKey.ToString());
        activity?.SetTag("outage.batch.size", origins.Length);
        return activity;
    }

    /// <summary>Callers linked from a batch's span besides its parent.</summary>
    private const int MaxLinks = 32;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Handing {Count} reports to series {Series} failed; the callers are told to retry.")]
    private static partial void LogHandOverFailed(ILogger logger, Exception exception, string series, int count);

    /// <summary>One series' queue; guarded by locking the instance.</summary>
    private sealed class Pending
    {
        public List<IngestItem> Items { get; } = [];

        public List<TaskCompletionSource<IngestOutcome>> Waiters { get; } = [];

        /// <summary>Each caller's trace context, for the batch's span.</summary>
        public List<ActivityContext> Origins { get; } = [];

        /// <summary>The series grain, once resolved (only the drain loop, one at a time, touches it).</summary>
        public ISeriesGrain? Grain { get; set; }

        /// <summary>True once a report was queued since the last sweep.</summary>
        public bool Used { get; set; }

        /// <summary>True once swept: no longer in the map, takes no more reports.</summary>
        public bool Retired { get; set; }

        /// <summary>True while a drain loop owns this queue.</summary>
        public bool Draining { get; set; }

        /// <summary>The latest drain loop (completed when idle).</summary>
        public Task Drain { get; set; } = Task.CompletedTask;
    }
}
