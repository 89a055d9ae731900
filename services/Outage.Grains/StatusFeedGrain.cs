using Microsoft.Extensions.Logging;
using Orleans.Utilities;
using Outage.Detection;
using Outage.Grains.Abstractions;

namespace Outage.Grains;

/// <summary>
/// The status feed: keeps the index of non-NORMAL series (so listing disruptions never scans every
/// series), numbers every change, retains the last <see cref="StatusFeed.RetainedChanges"/> for clients
/// that reconnect, and pushes each change once to every silo's (or edge's) watch hub.
/// </summary>
/// <remarks>
/// The index and the sequence number are saved with every change, so sequence numbers keep increasing
/// across restarts; the retained change log is in memory (a client resuming from before a restart gets a
/// fresh snapshot).
/// </remarks>
public sealed class StatusFeedGrain(
    [PersistentState("feed", StorageNames.State)] IPersistentState<StatusFeedState> state,
    ILogger<StatusFeedGrain> logger) : Grain, IStatusFeedGrain
{
    private readonly Queue<StatusChange> _changes = new();
    private readonly ObserverManager<IStatusObserver> _observers = new(StatusFeed.ObserverExpiry, logger);

    private Dictionary<string, SeriesStatusView> Disruptions => state.State.Disruptions;

    private long Sequence
    {
        get => state.State.Sequence;
        set => state.State.Sequence = value;
    }

    /// <inheritdoc />
    public async Task PublishAsync(SeriesStatusView status, DisruptionLevel previousLevel)
    {
        var key = status.Series.ToString();
        if (status.Level == DisruptionLevel.Normal)
        {
            Disruptions.Remove(key);
        }
        else
        {
            Disruptions[key] = status;
        }

        await AppendAsync(status, previousLevel);
    }

    /// <summary>Numbers a change, retains it, saves the state and pushes the change to every observer.</summary>
    private async Task AppendAsync(SeriesStatusView status, DisruptionLevel previousLevel)
    {
        var change = new StatusChange(++Sequence, status, previousLevel);
        _changes.Enqueue(change);
        while (_changes.Count > StatusFeed.RetainedChanges)
        {
            _changes.Dequeue();
        }

        await state.WriteStateAsync();
        _observers.Notify(o => o.OnStatusChanged(change));
    }

    /// <inheritdoc />
    public Task UpdateFiguresAsync(SeriesStatusView status)
    {
        var key = status.Series.ToString();
        if (Disruptions.TryGetValue(key, out var known) && known.Level == status.Level)
        {
            Disruptions[key] = status;
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<FeedSnapshot> GetSnapshotAsync() =>
        Task.FromResult(new FeedSnapshot(Sequence, Disruptions.Values.ToArray()) { Statements = state.State.Statements.ToArray() });

    /// <inheritdoc />
    public async Task<StatementView> PostStatementAsync(StatementView statement)
    {
        var service = statement.ServiceId;
        // The lag is the owner's first word during a disruption: from the earliest of the service's series to leave NORMAL.
        var first = Disruptions.Values.Where(d => d.ServiceId == service && d.Since is not null).MinBy(d => d.Since);
        var world = Disruptions.GetValueOrDefault(new SeriesKey(service, Regions.World).ToString());
        var unacknowledged = first?.Since is { } since && !state.State.Statements.Any(s => s.ServiceId == service && s.PostedAt >= since);
        var recorded = statement with
        {
            IncidentId = statement.IncidentId is { Length: > 0 } named ? named
                : world?.IncidentId is { Length: > 0 } worldwide ? worldwide
                // A level raised by a preview has no incident until its minute closes: the earliest series that has one.
                : Disruptions.Values.Where(d => d.ServiceId == service && d.IncidentId.Length > 0).MinBy(d => d.Since)?.IncidentId ?? "",
            AcknowledgementLag = unacknowledged ? statement.PostedAt - first!.Since : null,
        };

        if (recorded.IncidentId.Length > 0)
        {
            await GrainFactory.GetGrain<IIncidentLogGrain>(0).AttachStatementAsync(recorded);
        }

        var statements = state.State.Statements;
        statements.Insert(0, recorded);
        statements.RemoveAll(s => s.PostedAt < recorded.PostedAt - StatusFeed.StatementRetention);
        if (statements.Count > StatusFeed.RetainedStatements)
        {
            statements.RemoveRange(StatusFeed.RetainedStatements, statements.Count - StatusFeed.RetainedStatements);
        }

        // Watchers get the service's worldwide status again, now with the statement.
        var status = (world ?? SeriesStatusView.Quiet(new SeriesKey(service, Regions.World), recorded.PostedAt)) with
        {
            Statements = statements.Where(s => s.ServiceId == service).ToArray(),
        };
        await AppendAsync(status, status.Level);
        return recorded;
    }

    /// <inheritdoc />
    public Task<StatusChange[]?> GetChangesAfterAsync(long sequence)
    {
        var oldest = _changes.Count == 0 ? Sequence + 1 : _changes.Peek().Sequence;
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
