using Outage.Detection;
using System.Collections.Concurrent;
using System.Threading.Channels;
using Outage.Grains;
using Outage.Grains.Abstractions;

namespace Outage.Host.Watch;

/// <summary>
/// This process's single subscription to the cluster's status feed: keeps a local view of every
/// non-NORMAL series (SubmitReport answers from it without a grain call) and fans each change out to
/// the local WatchStatus streams, so no grain call is made per subscriber per change.
/// </summary>
public sealed partial class WatchHub(IGrainFactory grains, OutageMetrics metrics, ILogger<WatchHub> logger) : BackgroundService, IStatusObserver
{
    private static readonly TimeSpan Renewal = StatusFeed.ObserverExpiry / 4;
    private readonly ConcurrentDictionary<SeriesKey, SeriesStatusView> _statuses = new();
    private readonly ConcurrentDictionary<string, IReadOnlyList<StatementView>> _statements = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Channel<StatusChange>, byte> _subscribers = new();
    private readonly SemaphoreSlim _apply = new(1, 1);
    private long _sequence;

    /// <summary>The last sequence number applied to the local view.</summary>
    public long Sequence => Interlocked.Read(ref _sequence);

    /// <summary>The local view of a series' status: NORMAL unless the feed said otherwise.</summary>
    public SeriesStatusView? Find(SeriesKey series) => _statuses.GetValueOrDefault(series);

    /// <summary>Every series this process knows to be above NORMAL.</summary>
    public IEnumerable<SeriesStatusView> Disrupted => _statuses.Values;

    /// <summary>The service's official statements known to this process, newest first.</summary>
    public IReadOnlyList<StatementView> Statements(string serviceId) => _statements.GetValueOrDefault(serviceId) ?? [];

    /// <summary>Registers a local stream; dispose the result to leave.</summary>
    public Subscription Subscribe()
    {
        var channel = Channel.CreateBounded<StatusChange>(new BoundedChannelOptions(10_000) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _subscribers[channel] = 0;
        metrics.WatchSubscribersChanged(+1);
        return new Subscription(channel.Reader, () =>
        {
            if (_subscribers.TryRemove(channel, out _))
            {
                metrics.WatchSubscribersChanged(-1);
            }

            channel.Writer.TryComplete();
        });
    }

    /// <inheritdoc />
    public void OnStatusChanged(StatusChange change) => _ = ApplyAsync([change]);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reference = grains.CreateObjectReference<IStatusObserver>(this);
        var feed = grains.GetGrain<IStatusFeedGrain>(0);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await feed.SubscribeAsync(reference);
                await CatchUpAsync(feed);
                await Task.Delay(Renewal, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                LogSubscribeFailed(logger, e);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }

        try
        {
            await feed.UnsubscribeAsync(reference);
        }
        catch (Exception e)
        {
            LogSubscribeFailed(logger, e);
        }

        grains.DeleteObjectReference<IStatusObserver>(reference);
    }

    /// <summary>Fetches any changes this hub missed (notifications are best effort) and applies them.</summary>
    private async Task CatchUpAsync(IStatusFeedGrain feed)
    {
        var changes = await feed.GetChangesAfterAsync(Sequence);
        if (changes is null)
        {
            // Too far behind for the retained log: rebuild the view from a snapshot.
            var snapshot = await feed.GetSnapshotAsync();
            await _apply.WaitAsync();
            try
            {
                _statuses.Clear();
                foreach (var status in snapshot.Disruptions)
                {
                    _statuses[status.Series] = status;
                }

                _statements.Clear();
                foreach (var service in snapshot.Statements.GroupBy(s => s.ServiceId))
                {
                    _statements[service.Key] = service.ToArray();
                }

                Interlocked.Exchange(ref _sequence, snapshot.Sequence);
            }
            finally
            {
                _apply.Release();
            }

            return;
        }

        await ApplyAsync(changes);
    }

    private async Task ApplyAsync(IReadOnlyList<StatusChange> changes)
    {
        var gap = false;
        await _apply.WaitAsync();
        try
        {
            foreach (var change in changes)
            {
                if (change.Sequence <= _sequence)
                {
                    continue;
                }

                if (change.Sequence > _sequence + 1)
                {
                    gap = true;
                    break;
                }

                var key = change.Status.Series;
                if (change.Status.Statements.Count > 0)
                {
                    _statements[change.Status.ServiceId] = change.Status.Statements;
                }

                if (change.Status.Level == Detection.DisruptionLevel.Normal)
                {
                    _statuses.TryRemove(key, out _);
                }
                else
                {
                    _statuses[key] = change.Status;
                }

                Interlocked.Exchange(ref _sequence, change.Sequence);
                foreach (var subscriber in _subscribers.Keys)
                {
                    if (!subscriber.Writer.TryWrite(change))
                    {
                        // A stream that cannot keep up is ended; its client reconnects with its last sequence.
                        subscriber.Writer.TryComplete(new InvalidOperationException("watch stream fell too far behind"));
                        if (_subscribers.TryRemove(subscriber, out _))
                        {
                            metrics.WatchSubscribersChanged(-1); // whoever removes it counts it out, once
                        }
                    }
                }
            }
        }
        finally
        {
            _apply.Release();
        }

        if (gap)
        {
            await CatchUpAsync(grains.GetGrain<IStatusFeedGrain>(0));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Status feed subscription failed; retrying.")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception exception);

    /// <summary>A local stream of changes.</summary>
    public sealed class Subscription(ChannelReader<StatusChange> reader, Action leave) : IDisposable
    {
        /// <summary>Changes in sequence order.</summary>
        public ChannelReader<StatusChange> Reader => reader;

        /// <inheritdoc />
        public void Dispose() => leave();
    }
}
