using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Outage.Detection;
using Outage.Detection.Incidents;

namespace Outage.Grains;

/// <summary>
/// One series (service, region): decides each report's outcome, counts the open bucket, runs the
/// detection engine on every closed bucket (and previews the open one, so a surge is seen before the
/// minute ends), rolls counts up to its parent, and publishes status changes and incidents.
/// </summary>
/// <remarks>
/// Thin: the mathematics is <see cref="SeriesDetector"/>, the incident logic <see cref="IncidentTracker"/>.
/// Placed at random so that series spread evenly over the silos (adding silos adds capacity) rather
/// than gathering where the first call came from.
/// </remarks>
[Orleans.Placement.RandomPlacement]
public sealed partial class SeriesGrain(
    [PersistentState("series", StorageNames.State)] IPersistentState<SeriesState> state,
    ISeriesJournal journal,
    ServiceCatalog catalog,
    [Microsoft.Extensions.DependencyInjection.FromKeyedServices(OutageClock.Key)] TimeProvider time,
    IOptions<SeriesOptions> options,
    OutageMetrics metrics,
    ILogger<SeriesGrain> logger) : Grain, ISeriesGrain, IRemindable
{
    private readonly SeriesOptions _options = options.Value;
    private readonly string _activation = Guid.NewGuid().ToString("N");
    private bool _journaling;
    private SeriesKey _series;
    private SeriesKey? _parentKey;
    // References resolved once per activation: GetGrain looks the interface's attributes up by reflection each time.
    private ISeriesGrain? _parent;
    private IStatusFeedGrain _feed = null!;
    private IIncidentLogGrain _incidentLog = null!;
    private SeriesDetector _detector = null!;
    private readonly Dictionary<string, double> _childExpectations = new(StringComparer.Ordinal); // while young only
    private ServiceDefinition _service = null!;
    private IncidentTracker _tracker = null!;
    private SeriesStatusView _live = null!;
    private (DisruptionLevel Level, bool Recovering, string Incident) _published = (DisruptionLevel.Normal, false, "");

    /// <summary>True once this activation holds the roll-up reminder.</summary>
    private bool _rollupReminder;

    /// <summary>The open bucket's count at its last preview.</summary>
    private int _previewedReports;

    /// <summary>Fewer new reports than this cannot raise a level (the detector wants more excess and reporters): no preview for them.</summary>
    private const int MinPreviewGrowth = 4;

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = this.GetPrimaryKeyString();
        _series = SeriesKey.Parse(key);
        var service = catalog.Find(_series.ServiceId) ?? throw new InvalidOperationException($"Unknown service '{_series.ServiceId}'.");
        _parentKey = Regions.Parent(_series.Region) is { } parent ? _series with { Region = parent } : null;
        _parent = _parentKey is { } p ? GrainFactory.GetSeries(p) : null;
        _feed = GrainFactory.GetGrain<IStatusFeedGrain>(0);
        _incidentLog = GrainFactory.GetGrain<IIncidentLogGrain>(0);
        _journaling = _options.DurableAcknowledgement && journal.IsDurable;
        IReadOnlyList<SeriesChange> unsaved = [];
        if (_journaling)
        {
            // Fence off any older activation first, then read the snapshot and the changes after it.
            await journal.ClaimAsync(key, _activation);
            await state.ReadStateAsync();
            unsaved = await journal.ReadAsync(key, state.State.ChangeSequence);
        }

        _service = service;
        var settings = _options.DetectorSettings(service);
        _detector = state.State.Detector is { } saved ? Restore(settings, saved) : new SeriesDetector(settings);
        var s = state.State;
        if (s.PendingRollup is { } earlier)
        {
            // A snapshot of an earlier version held one pending roll-up: it goes first in the outbox.
            s.PendingRollups.Insert(0, earlier);
            s.PendingRollup = null;
        }

        _tracker = new IncidentTracker(_series, service.Owner, s.Incident is { } i ? ToSeriesIncident(i) : null);
        var now = time.GetUtcNow();
        if (s.OpenStart == default)
        {
            s.OpenStart = BucketStart(now);
        }

        _live = SeriesStatusView.Quiet(_series, now);
        _published = (_detector.Level, false, s.Incident?.Id ?? "");
        metrics.SeriesActivated(_published.Level, s.Incident is not null);
        foreach (var change in unsaved)
        {
            // Acknowledged batches the last snapshot does not hold: counted again in the bucket they belonged to.
            await CloseBucketsUntilAsync(change.Bucket);
            s.Apply(change, _parentKey is not null, _options.DedupeCapacity);
        }

        if (unsaved.Count > 0)
        {
            LogReplayed(logger, key, unsaved.Count);
        }

        var tick = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(1).Ticks, _options.BucketWidth.Ticks / 10));
        this.RegisterGrainTimer(_ => TickAsync(), new GrainTimerCreationOptions(tick, tick) { Interleave = false });
    }

    private SeriesDetector Restore(DetectorSettings settings, byte[] saved)
    {
        try
        {
            return SeriesDetector.Restore(settings, saved);
        }
        catch (InvalidDataException e)
        {
            LogStateDiscarded(logger, this.GetPrimaryKeyString(), e.Message);
            return new SeriesDetector(settings);
        }
    }

    /// <inheritdoc />
    public async Task<IngestOutcome[]> IngestAsync(IngestItem[] items)
    {
        await CloseBucketsUntilAsync(time.GetUtcNow());
        var (outcomes, change) = state.State.Decide(items);
        await EnsureRollupReminderAsync();
        await CommitAsync(change);
        await FlushRollupAsync(force: false);
        await PreviewAsync();
        return outcomes;
    }

    /// <inheritdoc />
    public async Task AddRollupsAsync(string child, RollupDelta[] deltas)
    {
        await CloseBucketsUntilAsync(time.GetUtcNow());
        if (_detector.IsYoung && deltas.Length > 0 && deltas[^1].ChildExpectedPerMinute > 0)
        {
            // A new parent knows its children's level from their first roll-up, not from its own first lumps of them.
            _childExpectations[child] = deltas[^1].ChildExpectedPerMinute;
            _detector.AdoptChildrenExpectation(_childExpectations.Values.Sum());
        }

        if (state.State.DecideRollup(child, deltas) is not { } change)
        {
            return; // resent after a lost answer: already counted
        }

        await EnsureRollupReminderAsync();
        await CommitAsync(change);
        await FlushRollupAsync(force: false);
        await PreviewAsync();
    }

    /// <summary>
    /// With the durable acknowledgement, a series that queues roll-ups holds a reminder before its first
    /// acknowledged batch: if its silo dies with roll-ups still queued (they are in the journal), the reminder
    /// brings the series back within about a minute to deliver them, even if nobody reports on it again.
    /// One reminder write per activation, not per batch.
    /// </summary>
    private async Task EnsureRollupReminderAsync()
    {
        if (_journaling && _parent is not null && !_rollupReminder)
        {
            await this.RegisterOrUpdateReminder(RollupReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
            _rollupReminder = true;
        }
    }

    /// <inheritdoc />
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != RollupReminder)
        {
            return;
        }

        await FlushRollupAsync(force: true);
        if (state.State.PendingRollups.Count == 0 && !_rollupReminder)
        {
            // Left by an activation that died owing roll-ups: delivered now, the reminder is not needed any more.
            await DropRollupReminderAsync();
        }
    }

    private async Task DropRollupReminderAsync()
    {
        if (await this.GetReminder(RollupReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        _rollupReminder = false;
    }

    private const string RollupReminder = "rollup";

    /// <summary>
    /// Journals the change (when the acknowledgement is durable) and only then applies it: a failed
    /// append leaves the state untouched and the callers are told to retry.
    /// </summary>
    private async Task CommitAsync(SeriesChange change)
    {
        if (change.IsEmpty)
        {
            return;
        }

        if (_journaling)
        {
            try
            {
                await journal.AppendAsync(this.GetPrimaryKeyString(), _activation, change);
            }
            catch (Orleans.Storage.InconsistentStateException)
            {
                // A newer activation owns this series (a failover raced us): leave, and let the retry reach it.
                DeactivateOnIdle();
                throw;
            }
        }

        state.State.Apply(change, _parentKey is not null, _options.DedupeCapacity);
    }

    /// <inheritdoc />
    public async Task<SeriesStatusView> RefreshAsync()
    {
        await CloseBucketsUntilAsync(time.GetUtcNow());
        if (state.State.OpenReports == 0)
        {
            return _live;
        }

        // The level is the last closed bucket's (or a raised preview's); the figures include the open bucket.
        var preview = SeriesStatusView.From(_series, _detector.Preview(OpenBucket(), null), _live.IncidentId);
        return _live with
        {
            Observed = preview.Observed, Expected = preview.Expected, DistinctReporters = preview.DistinctReporters,
            TopCategories = preview.TopCategories, Evidence = preview.Evidence, Window = preview.Window,
        };
    }

    /// <inheritdoc />
    public Task<TimelinePoint[]> GetTimelineAsync(TimeSpan window)
    {
        var s = state.State;
        var from = time.GetUtcNow() - window;
        var points = s.Timeline.Where(p => p.Start >= from).ToList();
        points.Add(new TimelinePoint(s.OpenStart, s.OpenReports, (float)_detector.Baseline.Expected(s.OpenStart, _options.BucketWidth.TotalMinutes), _live.Level));
        return Task.FromResult(points.ToArray());
    }

    /// <summary>
    /// Hands the roll-up outbox to the parent in one call; the deltas stay queued (and saved) until the parent
    /// confirms. Unless <paramref name="force"/>d, waits until the outbox holds <see cref="RollupFlushDeltas"/>
    /// changes or <see cref="RollupFlushReports"/> reports: under load a parent gets one call per several
    /// child batches, and at most a timer tick (a second) late. The outbox is part of the state (journaled with
    /// each change), so what a dead silo owed is delivered by the series' next activation (see
    /// <see cref="EnsureRollupReminderAsync"/>).
    /// </summary>
    private async Task FlushRollupAsync(bool force)
    {
        var outbox = state.State.PendingRollups;
        if (_parent is null || outbox.Count == 0
            || (!force && outbox.Count < RollupFlushDeltas && outbox.Sum(d => d.Reports) < RollupFlushReports))
        {
            return;
        }

        var deltas = outbox.ToArray();
        var minutes = _options.BucketWidth.TotalMinutes;
        deltas[^1] = deltas[^1] with { ChildExpectedPerMinute = _detector.Baseline.Expected(state.State.OpenStart, minutes) / minutes };
        await _parent.AddRollupsAsync(this.GetPrimaryKeyString(), deltas);
        // Nothing else runs in this activation meanwhile (no reentrancy): the outbox still starts with these.
        outbox.RemoveRange(0, deltas.Length);
    }

    /// <summary>Changes in the roll-up outbox that make it due without waiting for the timer.</summary>
    private const int RollupFlushDeltas = 16;

    /// <summary>Reports in the roll-up outbox that make it due without waiting for the timer.</summary>
    private const int RollupFlushReports = 256;

    /// <summary>
    /// Judges the open bucket now rather than at the end of the minute, so a surge is published at once.
    /// A preview copies the detector, so under load it runs only when the open bucket has grown by a
    /// quarter (and by <see cref="MinPreviewGrowth"/> reports) since the last one: a surge is still judged
    /// within a quarter of its count, and the timer judges whatever growth is left within a second.
    /// </summary>
    private async Task PreviewAsync(bool anyGrowth = false)
    {
        var reports = state.State.OpenReports;
        var due = anyGrowth ? reports > _previewedReports : reports >= Math.Max(_previewedReports + MinPreviewGrowth, _previewedReports * 5 / 4);
        if (!due)
        {
            return;
        }

        _previewedReports = reports;
        // A partial bucket may only raise the level: falling figures wait for the bucket to close.
        var preview = _detector.Preview(OpenBucket(), null);
        if (preview.Level > _live.Level)
        {
            await PublishAsync(preview, state.State.Incident?.Id ?? "");
        }
    }

    private async Task TickAsync()
    {
        FollowCatalog();
        await CloseBucketsUntilAsync(time.GetUtcNow());
        await FlushRollupAsync(force: true); // what the outbox holds, including what a failed call left, is delivered within a tick
        await PreviewAsync(anyGrowth: true);
        if (_live.Level != DisruptionLevel.Normal)
        {
            // A disrupted series must stay active to see its own recovery even if nobody reports any more.
            DelayDeactivation(TimeSpan.FromMinutes(5));
        }
    }

    /// <summary>
    /// Takes up detection settings an operator changed in the catalog, keeping everything learnt (the
    /// detector's state moves to the new settings as it would across a reactivation).
    /// </summary>
    private void FollowCatalog()
    {
        if (catalog.Find(_series.ServiceId) is not { } current || ReferenceEquals(current, _service))
        {
            return; // a removed service's series keep their settings until they go idle
        }

        if (current.DetectionDiffers(_service))
        {
            _detector = SeriesDetector.Restore(_options.DetectorSettings(current), _detector.Save());
        }

        _service = current;
    }

    /// <inheritdoc />
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        metrics.SeriesDeactivated(_published.Level, state.State.Incident is not null);
        if (reason.ReasonCode == DeactivationReasonCode.ShuttingDown && !journal.IsDurable)
        {
            return; // embedded mode: the in-memory store ends with this process, there is nowhere to save to
        }

        // The open bucket and dedupe sets live in memory (and the journal) between bucket closes: keep them.
        try
        {
            await FlushRollupAsync(force: true); // best effort: what stays queued is saved and sent by the next activation
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            LogSaveOnDeactivationFailed(logger, e, this.GetPrimaryKeyString(), reason.Description);
        }

        try
        {
            await SaveAsync();
        }
        catch (Exception e) when (e is OrleansException or TimeoutException or Orleans.Storage.InconsistentStateException)
        {
            LogSaveOnDeactivationFailed(logger, e, this.GetPrimaryKeyString(), reason.Description);
        }

        if (_rollupReminder && state.State.PendingRollups.Count == 0)
        {
            try
            {
                await DropRollupReminderAsync(); // owes nothing: no reason to be woken up
            }
            catch (Exception e) when (e is OrleansException or TimeoutException)
            {
                LogSaveOnDeactivationFailed(logger, e, this.GetPrimaryKeyString(), reason.Description);
            }
        }
    }

    /// <summary>Steps the detector on every bucket that ended by <paramref name="now"/>, then snapshots the state.</summary>
    private async Task CloseBucketsUntilAsync(DateTimeOffset now)
    {
        var s = state.State;
        var width = _options.BucketWidth;
        if (s.OpenStart + width > now)
        {
            return;
        }

        while (s.OpenStart + width <= now)
        {
            // The bucket's own state moves on before any call to another grain, so a failed call (a silo
            // going away) cannot leave the detector and the open bucket out of step.
            var bucket = OpenBucket();
            var assessment = _detector.Step(bucket);
            s.Timeline.Add(new TimelinePoint(bucket.Start, bucket.Count, (float)assessment.ExpectedInBucket, assessment.Level));
            s.OpenReports = 0;
            _previewedReports = 0;
            s.OpenCategories = new Dictionary<string, int>(StringComparer.Ordinal);
            // After a long idle spell, jump to the current bucket: the detector fills the gap with empty buckets.
            var next = s.OpenStart + width;
            s.OpenStart = next + width <= now ? BucketStart(now) : next;

            if (_tracker.Observe(assessment) is { } incident)
            {
                var view = ToView(incident);
                CountIncident(wasOpen: s.Incident is not null, incident);
                s.Incident = incident.IsOpen ? view : null;
                await _incidentLog.RecordAsync(view);
            }

            await PublishAsync(assessment, s.Incident?.Id ?? "");
        }

        if (_live.Level != DisruptionLevel.Normal)
        {
            // Keep the figures that ListDisruptions serves no older than a bucket.
            await _feed.UpdateFiguresAsync(_live);
        }

        Prune(now);
        await SaveAsync();
    }

    /// <summary>Writes the snapshot, then drops the journaled changes it now holds.</summary>
    private async Task SaveAsync()
    {
        var s = state.State;
        s.Detector = _detector.Save();
        try
        {
            await state.WriteStateAsync();
        }
        catch (Orleans.Storage.InconsistentStateException)
        {
            DeactivateOnIdle(); // another activation wrote this series since we read it: leave, the retry reaches it
            throw;
        }

        if (_journaling)
        {
            await journal.TrimAsync(this.GetPrimaryKeyString(), _activation, s.ChangeSequence);
        }
    }

    private async Task PublishAsync(SeriesAssessment assessment, string incidentId)
    {
        _live = SeriesStatusView.From(_series, assessment, incidentId);
        var current = (_live.Level, _live.Recovering, incidentId);
        // A change is a new level, or, while disrupted, the recovering flag or the incident changing.
        var changed = current.Level != _published.Level
            || (current.Level != DisruptionLevel.Normal && current != _published);
        if (changed)
        {
            await _feed.PublishAsync(_live, _published.Level);
        }

        if (current.Level != _published.Level)
        {
            metrics.LevelChanged(_published.Level, current.Level);
        }

        // Only once the feed has it: a failed publish is retried with the next assessment.
        _published = current;
    }

    private void CountIncident(bool wasOpen, SeriesIncident incident)
    {
        if (!wasOpen && incident.IsOpen)
        {
            metrics.IncidentOpened(incident.DetectionDelay);
        }
        else if (wasOpen && !incident.IsOpen)
        {
            metrics.IncidentClosed();
        }
    }

    private void Prune(DateTimeOffset now)
    {
        var s = state.State;
        var oldest = now - _options.TimelineRetention;
        var stale = s.Timeline.FindIndex(p => p.Start >= oldest);
        s.Timeline.RemoveRange(0, stale < 0 ? s.Timeline.Count : stale);

        s.RotateDedupe(now, _options.ReportIdRetention, _options.DeviceDedupeWindow);
    }

    private BucketObservation OpenBucket()
    {
        var s = state.State;
        // One counted report per device per dedupe window: the bucket's reports are its distinct reporters.
        return new BucketObservation(s.OpenStart, s.OpenReports, s.OpenReports, s.OpenCategories);
    }

    private DateTimeOffset BucketStart(DateTimeOffset t) =>
        new(t.UtcTicks - t.UtcTicks % _options.BucketWidth.Ticks, TimeSpan.Zero);

    private static IncidentView ToView(SeriesIncident i) => new()
    {
        Id = i.Id, Owner = i.Owner, Services = [i.Series.ServiceId], Regions = [i.Series.Region], Onset = i.Onset,
        DetectedAt = i.DetectedAt, PeakLevel = i.PeakLevel, PeakReports = i.PeakCount, PeakAt = i.PeakAt, RecoveringSince = i.RecoveringSince,
        ClosedAt = i.ClosedAt, TopCategories = i.Categories.Select(c => new CategoryShareView(c.Category, c.Share)).ToArray(),
    };

    /// <summary>The engine's incident behind a view (the inverse of <see cref="ToView"/> for series incidents).</summary>
    public static SeriesIncident ToSeriesIncident(IncidentView v) => new(
        v.Id, new SeriesKey(v.Services[0], v.Regions[0]), v.Owner, v.Onset, v.DetectedAt, v.PeakLevel, v.PeakReports, v.PeakAt ?? v.DetectedAt, 0,
        v.TopCategories.Select(c => new CategoryShare(c.Category, c.Share)).ToArray(), v.RecoveringSince, v.ClosedAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Series {Series}: state not saved on deactivation ({Reason}).")]
    private static partial void LogSaveOnDeactivationFailed(ILogger logger, Exception exception, string series, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Series {Series}: {Count} journaled changes replayed onto the last snapshot (the previous activation ended without saving).")]
    private static partial void LogReplayed(ILogger logger, string series, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Series {Series}: saved detector state discarded ({Reason}); relearning.")]
    private static partial void LogStateDiscarded(ILogger logger, string series, string reason);
}
