using Microsoft.Extensions.Logging;
using Orleans.Utilities;
using Outage.Detection;

namespace Outage.Grains;

/// <summary>
/// The status feed: keeps the index of non-NORMAL series (so listing disruptions never scans every
/// series), numbers every change, retains the last <see cref="StatusFeed.RetainedChanges"/> for clients
/// that reconnect, and pushes each change once to every silo's (or edge's) watch hub.
/// </summary>
public sealed class StatusFeedGrain(ILogger<StatusFeedGrain> logger) : Grain, IStatusFeedGrain
{
    private readonly Dictionary<string, SeriesStatusView> _disruptions = new(StringComparer.Ordinal);
    private readonly Queue<StatusChange> _changes = new();
    private readonly ObserverManager<IStatusObserver> _observers = new(StatusFeed.ObserverExpiry, logger);
    private long _sequence;

    /// <inheritdoc />
    public Task PublishAsync(SeriesStatusView status, DisruptionLevel previousLevel)
    {
        var key = SeriesGrain.Key(status.ServiceId, status.Region);
        if (status.Level == DisruptionLevel.Normal)
        {
            _disruptions.Remove(key);
        }
        else
        {
            _disruptions[key] = status;
        }

        var change = new StatusChange(++_sequence, status, previousLevel);
        _changes.Enqueue(change);
        while (_changes.Count > StatusFeed.RetainedChanges)
        {
            _changes.Dequeue();
        }

        _observers.Notify(o => o.OnStatusChanged(change));
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task UpdateFiguresAsync(SeriesStatusView status)
    {
        var key = SeriesGrain.Key(status.ServiceId, status.Region);
        if (_disruptions.TryGetValue(key, out var known) && known.Level == status.Level)
        {
            _disruptions[key] = status;
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<FeedSnapshot> GetSnapshotAsync() => Task.FromResult(new FeedSnapshot(_sequence, _disruptions.Values.ToArray()));

    /// <inheritdoc />
    public Task<StatusChange[]?> GetChangesAfterAsync(long sequence)
    {
        var oldest = _changes.Count == 0 ? _sequence + 1 : _changes.Peek().Sequence;
        StatusChange[]? result = sequence + 1 < oldest ? null : _changes.Where(c => c.Sequence > sequence).ToArray();
        return Task.FromResult(result);
    }

    /// <inheritdoc />
    public Task SubscribeAsync(IStatusObserver observer)
    {
        _observers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task UnsubscribeAsync(IStatusObserver observer)
    {
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }
}
