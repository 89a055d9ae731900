using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Outage.Detection;
using Outage.Grains.Abstractions;

namespace Outage.Grains;

/// <summary>
/// One series (service, region): decides each report's outcome, counts the open bucket, runs the
/// detection engine on every closed bucket (and previews the open one, so a surge is seen before the
/// minute ends), rolls counts up to its parent, and publishes status changes and incidents.
/// </summary>
/// <remarks>
/// Orchestration only: the state and its bucket clock are <see cref="SeriesState"/>, its snapshot and journal
/// <see cref="SeriesStore"/>, detection and incidents <see cref="SeriesAnalysis"/>, the roll-up outbox
/// <see cref="RollupOutbox"/>, what counts as a status change <see cref="StatusPublication"/>. Placed at random so that
/// series spread evenly over the silos (adding silos adds capacity) rather than gathering where the first call came from.
/// </remarks>
[Orleans.Placement.RandomPlacement]
public sealed partial class SeriesGrain(
    [PersistentState("series", StorageNames.State)] IPersistentState<SeriesState> state,
    ISeriesJournal journal,
    RollupForwarder forwarder,
    ServiceCatalog catalog,
    [Microsoft.Extensions.DependencyInjection.FromKeyedServices(OutageClock.Key)] TimeProvider time,
    IOptions<SeriesOptions> options,
    OutageMetrics metrics,
    ILogger<SeriesGrain> logger) : Grain, ISeriesGrain, IRemindable, RollupOutbox.IReminder
{
    private readonly SeriesOptions _options = options.Value;
    private SeriesKey _series;
    private bool _hasParent;
    // References resolved once per activation: GetGrain looks the interface's attributes up by reflection each time.
    private IStatusFeedGrain _feed = null!;
    private IIncidentLogGrain _incidentLog = null!;
    private SeriesStore _store = null!;
    private RollupOutbox _rollups = null!;
    private SeriesAnalysis _analysis = null!;
    private StatusPublication _publication = null!;
    private SeriesStatusView _live = null!;
    private Func<double> _usualPerMinuteForParent = null!; // stamped on roll-ups when they are delivered
    private SnapshotSchedule _snapshots = null!;
    private IGrainTimer _timer = null!;
    private TimeSpan _tick;
    private bool _asleep; // the timer is stopped until the next call: nothing for a tick to do

    private SeriesState S => _store.State;

    private string Key => this.GetPrimaryKeyString();

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _series = SeriesKey.Parse(Key);
        var service = catalog.Find(_series.ServiceId) ?? throw new InvalidOperationException($"Unknown service '{_series.ServiceId}'.");
        _feed = GrainFactory.GetGrain<IStatusFeedGrain>(0);
        _incidentLog = GrainFactory.GetGrain<IIncidentLogGrain>(0);
        var journaling = _options.DurableAcknowledgement && journal.IsDurable;
        var parent = Regions.Parent(_series.Region) is { } region ? GrainFactory.GetSeries(_series with { Region = region }) : null;
        _hasParent = parent is not null;
        _rollups = new RollupOutbox(parent, Key, holdReminder: journaling, this, forwarder);
        _store = new SeriesStore(state, journal, Key, journaling, DeactivateOnIdle);
        var unsaved = await _store.RecoverAsync();

        _analysis = new SeriesAnalysis(_series, service, _options, S.Detector, S.Incident, reason => LogStateDiscarded(logger, Key, reason));
        _usualPerMinuteForParent = () => _analysis.UsualPerMinuteForParent(S.OpenBucket());
        S.MigrateSinglePendingRollup();
        var now = time.GetUtcNow();
        S.StartClock(now, _options.BucketWidth);
        _live = SeriesStatusView.Quiet(_series, now);
        _snapshots = new SnapshotSchedule(this.GetGrainId().GetUniformHashCode(), _options.BucketWidth);
        _publication = new StatusPublication(_feed, metrics, _analysis.Level, S.Incident?.Id ?? "");
        metrics.SeriesActivated(_analysis.Level, S.Incident is not null);
        foreach (var change in unsaved)
        {
            // Acknowledged batches the last snapshot does not hold: counted again in the bucket they belonged to.
            await CloseBucketsUntilAsync(change.Bucket);
            S.Apply(change, _hasParent, _options.DedupeCapacity);
        }

        if (unsaved.Count > 0)
        {
            LogReplayed(logger, Key, unsaved.Count);
        }

        _tick = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(1).Ticks, _options.BucketWidth.Ticks / 10));
        _timer = this.RegisterGrainTimer(_ => TickAsync(), new GrainTimerCreationOptions(_tick, _tick) { Interleave = false });
    }

    /// <inheritdoc />
    public async Task<Immutable<IngestOutcome[]>> IngestAsync(IngestItem[] items)
    {
        Wake();
        await CloseBucketsUntilAsync(time.GetUtcNow());
        var (outcomes, change) = S.Decide(items);
        await CommitAsync(change.IsEmpty ? [] : [change]);
        return outcomes.AsImmutable();
    }

    /// <inheritdoc />
    public Task<ParentReading> AddRollupsAsync(string child, RollupDelta[] deltas) => AddChildRollupsAsync([new ChildRollups(child, deltas)]);

    /// <inheritdoc />
    public async Task<ParentReading> AddChildRollupsAsync(ChildRollups[] batch)
    {
        Wake();
        var now = time.GetUtcNow();
        await CloseBucketsUntilAsync(now);
        _analysis.ChildrenExpect(batch.Where(b => b.Deltas.Length > 0).Select(b => (b.Child, b.Deltas[^1].ChildExpectedPerMinute)));

        var changes = S.DecideRollups(batch);
        if (changes.Count > 0)
        {
            await CommitAsync(changes); // none: resent after a lost answer, already counted
        }

        var elapsed = Math.Clamp((now - S.OpenStart) / _options.BucketWidth, 0, 1);
        return new ParentReading(S.OpenStart, S.OpenReports, _analysis.Expected(S.OpenStart) * elapsed, !_analysis.IsYoung);
    }

    /// <inheritdoc />
    public async Task<SeriesStatusView> GetStatusAsync()
    {
        await CloseBucketsUntilAsync(time.GetUtcNow());
        return StatusNow();
    }

    /// <inheritdoc />
    /// <remarks>
    /// Synchronous, so it runs whole between two turns of other calls: at any of their awaits the state is consistent
    /// (a change is applied after its journal append, a bucket's state moves on before anything is published).
    /// </remarks>
    public Task<SeriesStatusView?> PeekStatusAsync() =>
        Task.FromResult(S.IsBucketDue(time.GetUtcNow(), _options.BucketWidth) ? null : StatusNow());

    /// <summary>The level of the last closed bucket (or a raised preview); the figures include the open bucket.</summary>
    private SeriesStatusView StatusNow()
    {
        if (S.OpenReports == 0)
        {
            return _live;
        }

        var open = SeriesStatusView.From(_series, _analysis.Peek(S.OpenBucket()), _live.IncidentId);
        return _live with
        {
            Observed = open.Observed, Expected = open.Expected, DistinctReporters = open.DistinctReporters,
            TopCategories = open.TopCategories, Evidence = open.Evidence, Window = open.Window,
        };
    }

    /// <inheritdoc />
    public Task<TimelinePoint[]> GetTimelineAsync(TimeSpan window)
    {
        var from = time.GetUtcNow() - window;
        var points = S.Timeline.Where(p => p.Start >= from).ToList();
        points.Add(new TimelinePoint(S.OpenStart, S.OpenReports, (float)_analysis.Expected(S.OpenStart), _live.Level));
        return Task.FromResult(points.ToArray());
    }

    /// <inheritdoc />
    public Task<DailySummary[]> GetHistoryAsync(int days)
    {
        var now = time.GetUtcNow();
        var oldest = DailyHistory.Midnight(now).AddDays(-(days - 1));
        var history = S.History.Where(d => d.Day >= oldest).Select(d => d.Copy()).ToList();
        if (S.OpenStart != default && S.OpenStart >= oldest)
        {
            // The open bucket counts towards its day, as it does on the timeline, for the part of it that has passed.
            var elapsed = TimeSpan.FromTicks(Math.Clamp((now - S.OpenStart).Ticks, 0, _options.BucketWidth.Ticks));
            DailyHistory.Record(history, S.OpenStart, elapsed, S.OpenReports, _live.Level);
        }

        return Task.FromResult(history.ToArray());
    }

    /// <inheritdoc />
    public Task ReceiveReminder(string reminderName, TickStatus status) =>
        reminderName == RollupOutbox.ReminderName ? _rollups.OnReminderAsync(S.PendingRollups, _usualPerMinuteForParent) : Task.CompletedTask;

    /// <inheritdoc />
    Task RollupOutbox.IReminder.RegisterAsync() => this.RegisterOrUpdateReminder(RollupOutbox.ReminderName, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));

    /// <inheritdoc />
    async Task RollupOutbox.IReminder.DropAsync()
    {
        if (await this.GetReminder(RollupOutbox.ReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    /// <inheritdoc />
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        metrics.SeriesDeactivated(_publication.Level, S.Incident is not null);
        if (reason.ReasonCode == DeactivationReasonCode.ShuttingDown && !journal.IsDurable)
        {
            return; // embedded mode: the in-memory store ends with this process, there is nowhere to save to
        }

        // Each step is best effort: what stays queued is saved and sent by the next activation.
        await BestEffortAsync(() => _rollups.FlushAsync(S.PendingRollups, force: true, _usualPerMinuteForParent), reason);
        await BestEffortAsync(SaveAsync, reason);
        await BestEffortAsync(() => _rollups.ReleaseAsync(S.PendingRollups), reason);
    }

    /// <summary>Journals the changes in one append (see <see cref="SeriesStore"/>) and applies them; then the roll-ups they queued and a preview.</summary>
    private async Task CommitAsync(IReadOnlyList<SeriesChange> changes)
    {
        if (changes.Count > 0)
        {
            await _rollups.BeforeQueueingAsync();
            await _store.AppendAsync(changes);
            foreach (var change in changes)
            {
                S.Apply(change, _hasParent, _options.DedupeCapacity);
            }
        }

        ParentSaw(await _rollups.FlushAsync(S.PendingRollups, force: false, _usualPerMinuteForParent));
        await PreviewAsync(anyGrowth: false);
    }

    private void ParentSaw(ParentReading? reading)
    {
        if (reading is not null)
        {
            _analysis.ParentSees(reading.BucketStart, reading.Observed, reading.UsualSoFar, reading.Mature);
        }
    }

    /// <summary>Judges the open bucket now rather than at the end of the minute: a partial bucket may only raise the level.</summary>
    private async Task PreviewAsync(bool anyGrowth)
    {
        if (_analysis.Preview(S.OpenBucket(), anyGrowth) is { } preview && preview.Level > _live.Level)
        {
            await PublishAsync(preview);
        }
    }

    private async Task TickAsync()
    {
        _analysis.Follow(catalog.Find(_series.ServiceId));
        var now = time.GetUtcNow();
        await CloseBucketsUntilAsync(now);
        if (_snapshots.IsDueAt(now, S.OpenStart))
        {
            await SaveAsync();
        }

        // What the outbox holds, including what a failed call left, is delivered within a tick.
        ParentSaw(await _rollups.FlushAsync(S.PendingRollups, force: true, _usualPerMinuteForParent));
        await PreviewAsync(anyGrowth: true);
        if (_live.Level != DisruptionLevel.Normal)
        {
            // A disrupted series must stay active to see its own recovery even if nobody reports any more.
            DelayDeactivation(TimeSpan.FromMinutes(5));
        }
        else if (IsIdle())
        {
            // Nothing for a tick to do until the next call: with 100,000 quiet series on a silo, a tick each per second
            // starved the silo's threads (Redis calls timed out). The buckets it misses are closed by that call (FillGap).
            // Nothing is owed either, so the roll-up reminder goes too: it would keep the series from being collected.
            await _rollups.ReleaseAsync(S.PendingRollups);
            _asleep = true;
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>
    /// True when a tick has nothing to do: an empty open bucket, no roll-up owed, no snapshot due, no incident open or
    /// recovering, and the feed has the normal level.
    /// </summary>
    private bool IsIdle() =>
        S.OpenReports == 0 && S.PendingRollups.Count == 0 && !_snapshots.IsDue && S.Incident is null
        && _live.Level == DisruptionLevel.Normal && _publication.Level == DisruptionLevel.Normal;

    /// <summary>Restarts the timer if it was stopped: this call may leave work for it (reports, roll-ups, a snapshot).</summary>
    private void Wake()
    {
        if (_asleep)
        {
            _asleep = false;
            _timer.Change(_tick, _tick);
        }
    }

    /// <summary>Steps the detector on every bucket that ended by <paramref name="now"/>; the snapshot follows at this series' offset (<see cref="SnapshotSchedule"/>).</summary>
    private async Task CloseBucketsUntilAsync(DateTimeOffset now)
    {
        if (!S.IsBucketDue(now, _options.BucketWidth))
        {
            return;
        }

        Wake(); // a read may close buckets: their snapshot is written on a tick
        while (S.IsBucketDue(now, _options.BucketWidth))
        {
            // The bucket's own state moves on before any call to another grain, so a failed call (a silo
            // going away) cannot leave the detector and the open bucket out of step.
            var (assessment, incident) = _analysis.Close(S.OpenBucket());
            S.CloseBucket(assessment, now, _options.BucketWidth, _options.TimelineRetention, _analysis.Expected);
            if (incident is not null)
            {
                var view = IncidentView.From(incident);
                metrics.IncidentChanged(wasOpen: S.Incident is not null, incident);
                if (S.Incident is null && incident.IsOpen)
                {
                    DailyHistory.RecordIncident(S.History, incident.DetectedAt);
                }

                S.Incident = incident.IsOpen ? view : null;
                await _incidentLog.RecordAsync(view);
            }

            await PublishAsync(assessment);
        }

        if (_live.Level != DisruptionLevel.Normal)
        {
            // Keep the figures that ListDisruptions serves no older than a bucket.
            await _feed.UpdateFiguresAsync(_live);
        }

        S.Prune(now, _options.TimelineRetention, _options.HistoryRetentionDays, _options.ReportIdRetention, _options.DeviceDedupeWindow);
        _snapshots.BucketClosed();
    }

    private async Task SaveAsync()
    {
        S.Detector = _analysis.Save();
        await _store.SaveAsync();
        _snapshots.Saved();
    }

    private Task PublishAsync(SeriesAssessment assessment)
    {
        _live = SeriesStatusView.From(_series, assessment, S.Incident?.Id ?? "");
        return _publication.PublishAsync(_live);
    }

    private async Task BestEffortAsync(Func<Task> step, DeactivationReason reason)
    {
        try
        {
            await step();
        }
        catch (Exception e) when (e is OrleansException or TimeoutException or Orleans.Storage.InconsistentStateException)
        {
            LogSaveOnDeactivationFailed(logger, e, Key, reason.Description);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Series {Series}: state not saved on deactivation ({Reason}).")]
    private static partial void LogSaveOnDeactivationFailed(ILogger logger, Exception exception, string series, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Series {Series}: {Count} journaled changes replayed onto the last snapshot (the previous activation ended without saving).")]
    private static partial void LogReplayed(ILogger logger, string series, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Series {Series}: saved detector state discarded ({Reason}); relearning.")]
    private static partial void LogStateDiscarded(ILogger logger, string series, string reason);
}
