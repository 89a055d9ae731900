using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Outage.Grains;

namespace Outage.Host.Ingest;

/// <summary>
/// Pre-aggregates reports in this process: reports for one series are handed to its grain in one call
/// per flush interval (or when a batch fills), not one call per report, and every caller gets its own
/// report's outcome once the grain has decided.
/// </summary>
/// <remarks>
/// A plain in-process service rather than a [StatelessWorker] grain: it has no activation that could
/// be collected with counts still pending, and it runs unchanged in a silo and in an edge (Orleans
/// client). On shutdown it flushes everything pending before the process leaves.
/// </remarks>
public sealed partial class ReportAggregator(IGrainFactory grains, IOptions<IntakeOptions> options, ILogger<ReportAggregator> logger)
    : BackgroundService
{
    private readonly IntakeOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, Pending> _pending = new(StringComparer.Ordinal);

    /// <summary>Queues a validated report for its series and completes with the grain's outcome.</summary>
    public Task<IngestOutcome> SubmitAsync(string seriesKey, IngestItem item)
    {
        var pending = _pending.GetOrAdd(seriesKey, _ => new Pending());
        var waiter = new TaskCompletionSource<IngestOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool full;
        lock (pending)
        {
            pending.Items.Add(item);
            pending.Waiters.Add(waiter);
            full = pending.Items.Count >= _options.MaxBatch;
        }

        if (full)
        {
            _ = FlushAsync(seriesKey, pending);
        }

        return waiter.Task;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.FlushInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAllAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // Nothing accepted is lost: hand over whatever is still pending before the process leaves.
        await FlushAllAsync();
    }

    /// <summary>Hands every pending batch to its grain now.</summary>
    public Task FlushAllAsync() => Task.WhenAll(_pending.Select(p => FlushAsync(p.Key, p.Value)));

    private async Task FlushAsync(string seriesKey, Pending pending)
    {
        List<IngestItem> items;
        List<TaskCompletionSource<IngestOutcome>> waiters;
        lock (pending)
        {
            if (pending.Items.Count == 0)
            {
                return;
            }

            (items, waiters) = (pending.Items, pending.Waiters);
            (pending.Items, pending.Waiters) = ([], []);
        }

        try
        {
            var outcomes = await grains.GetGrain<ISeriesGrain>(seriesKey).IngestAsync([.. items]);
            for (var i = 0; i < waiters.Count; i++)
            {
                waiters[i].TrySetResult(outcomes[i]);
            }
        }
        catch (Exception e)
        {
            LogFlushFailed(logger, e, seriesKey, items.Count);
            foreach (var waiter in waiters)
            {
                waiter.TrySetException(e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Handing {Count} reports to series {Series} failed; the callers are told to retry.")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception, string series, int count);

    private sealed class Pending
    {
        public List<IngestItem> Items { get; set; } = [];

        public List<TaskCompletionSource<IngestOutcome>> Waiters { get; set; } = [];
    }
}
