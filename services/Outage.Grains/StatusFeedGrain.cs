using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Orleans.Utilities;
using Outage.Detection;
using Outage.Grains.Abstractions;
using Outage.Grains.Abstractions.Notifications;

namespace Outage.Grains;

/// <summary>
/// The status feed: keeps the index of non-NORMAL series (so listing disruptions never scans every
/// series), numbers every change, retains the last <see cref="StatusFeed.RetainedChanges"/> for clients
/// that reconnect, and pushes each change once to every silo's (or edge's) watch hub.
/// </summary>
/// <remarks>
/// <para>The index and the sequence number are saved with every change, so sequence numbers keep increasing
/// across restarts; the retained change log is in memory (a client resuming from before a restart gets a
/// fresh snapshot).</para>
/// <para>Each change is also saved in <see cref="StatusFeedState.Unrouted"/> with the change itself, and handed to the
/// notification router in the background (never holding up the series that published it); it leaves the list once the
/// router has it in every matching subscription's outbox. Changes left after a crash are routed when the feed activates
/// again (the watch hubs bring it back within seconds).</para>
/// </remarks>
[Reentrant] // changes arriving while the state is being written share the next write (see CoalescedWrites)
public sealed partial class StatusFeedGrain : Grain, IStatusFeedGrain
{
    private readonly IPersistentState<StatusFeedState> _state;
    private readonly ILogger<StatusFeedGrain> _logger;
    private readonly Queue<StatusChange> _changes = new();
    private readonly ObserverManager<IStatusObserver> _observers;
    private readonly List<StatusChange> _unannounced = []; // numbered, not yet saved: pushed to the watch hubs once saved
    private readonly CoalescedWrites _writes;
    private long _announced; // the last sequence number saved and pushed: what readers may see
    private bool _routing;

    /// <summary>Creates the feed over its saved state.</summary>
    public StatusFeedGrain([PersistentState("feed", StorageNames.State)] IPersistentState<StatusFeedState> state, ILogger<StatusFeedGrain> logger)
    {
        _state = state;
        _logger = logger;
        _observers = new(StatusFeed.ObserverExpiry, logger);
        _writes = new CoalescedWrites(state.WriteStateAsync, Announce);
    }

    private Dictionary<string, SeriesStatusView> Disruptions => _state.State.Disruptions;

    private long Sequence
    {
        get => _state.State.Sequence;
        set => _state.State.Sequence = value;
    }

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _announced = Sequence;
        // Routing that failed (the router unreachable) or that a dead silo left is retried every few seconds while some is owed.
        this.RegisterGrainTimer(_ => RouteAsync(), new GrainTimerCreationOptions(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5)) { Interleave = true });
        return Task.CompletedTask;
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

    /// <summary>Numbers a change, retains it, saves the state and, once saved, pushes the change to every observer.</summary>
    private async Task AppendAsync(SeriesStatusView status, DisruptionLevel previousLevel, StatementView? statement = null)
    {
        var change = new StatusChange(++Sequence, status, previousLevel) { Statement = statement, TraceParent = System.Diagnostics.Activity.Current?.Id };
        _state.State.Unrouted.Add(change);
        _unannounced.Add(change);
        _changes.Enqueue(change);
        while (_changes.Count > StatusFeed.RetainedChanges)
        {
            _changes.Dequeue();
        }

        await _writes.SaveAsync();
        _ = RouteAsync();
    }

    /// <summary>After a write: pushes the changes it saved to every observer, in sequence order.</summary>
    private void Announce()
    {
        foreach (var change in _unannounced)
        {
            _observers.Notify(o => o.OnStatusChanged(change));
            _announced = change.Sequence;
        }

        _unannounced.Clear();
    }

    /// <summary>Hands the unrouted changes to the notification router, one batch at a time; a failure is retried by the timer.</summary>
    private async Task RouteAsync()
    {
        // Saved changes only (the list is in sequence order): outboxes skip a sequence number they have seen.
        if (_routing || _state.State.Unrouted.Count == 0 || _state.State.Unrouted[0].Sequence > _announced)
        {
            return;
        }

        _routing = true;
        try
        {
            var batch = _state.State.Unrouted.TakeWhile(c => c.Sequence <= _announced).ToArray();
            await GrainFactory.GetGrain<INotificationRouterGrain>(0).RouteAsync(batch);
            _state.State.Unrouted.RemoveRange(0, batch.Length);
            // Saved with the next change; a crash before that routes the batch again, and outboxes ignore it by sequence.
        }
        catch (Exception e)
        {
            LogRoutingFailed(_logger, e, _state.State.Unrouted.Count);
        }
        finally
        {
            _routing = false;
        }

        if (_state.State.Unrouted.Count > 0 && _state.State.Unrouted[0].Sequence <= _announced)
        {
            _ = RouteAsync();
        }
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
        Task.FromResult(new FeedSnapshot(_announced, Disruptions.Values.ToArray()) { Statements = _state.State.Statements.ToArray() });

    /// <inheritdoc />
    public async Task<StatementView> PostStatementAsync(StatementView statement)
    {
        var service = statement.ServiceId;
        // The lag is the owner's first word during a disruption: from the earliest of the service's series to leave NORMAL.
        var first = Disruptions.Values.Where(d => d.ServiceId == service && d.Since is not null).MinBy(d => d.Since);
        var world = Disruptions.GetValueOrDefault(new SeriesKey(service, Regions.World).ToString());
        var unacknowledged = first?.Since is { } since && !_state.State.Statements.Any(s => s.ServiceId == service && s.PostedAt >= since);
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

        var statements = _state.State.Statements;
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
        await AppendAsync(status, status.Level, recorded);
        return recorded;
    }

    /// <inheritdoc />
    public Task<StatusChange[]?> GetChangesAfterAsync(long sequence)
    {
        var oldest = _changes.Count == 0 ? Sequence + 1 : _changes.Peek().Sequence;
        // Only saved changes: a number handed out before its change is saved could be handed out again after a crash.
        StatusChange[]? result = sequence + 1 < oldest ? null : _changes.Where(c => c.Sequence > sequence && c.Sequence <= _announced).ToArray();
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Routing {Count} status changes to notifications failed; retrying")]
    private static partial void LogRoutingFailed(ILogger logger, Exception exception, int count);
}
