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
    ServiceCatalog catalog,
    [Microsoft.Extensions.DependencyInjection.FromKeyedServices(OutageClock.Key)] TimeProvider time,
    IOptions<SeriesOptions> options,
    ILogger<SeriesGrain> logger) : Grain, ISeriesGrain
{
    private readonly SeriesOptions _options = options.Value;
    private string _serviceId = "";
    private string _region = "";
    private string? _parentKey;
    private SeriesDetector _detector = null!;
    private IncidentTracker _tracker = null!;
    private SeriesStatusView _live = null!;
    private (DisruptionLevel Level, bool Recovering, string Incident) _published = (DisruptionLevel.Normal, false, "");

    /// <summary>The grain key of a series.</summary>
    public static string Key(string serviceId, string region) => region.Length == 0 ? serviceId : $"{serviceId}/{region}";

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = this.GetPrimaryKeyString();
        var slash = key.IndexOf('/');
        (_serviceId, _region) = slash < 0 ? (key, Regions.World) : (key[..slash], key[(slash + 1)..]);
        var service = catalog.Find(_serviceId) ?? throw new InvalidOperationException($"Unknown service '{_serviceId}'.");
        _parentKey = Regions.Parent(_region) is { } parent ? Key(_serviceId, parent) : null;

        var settings = _options.DetectorSettings(service.MinDistinctReporters);
        _detector = state.State.Detector is { } saved ? Restore(settings, saved) : new SeriesDetector(settings);
        var s = state.State;
        _tracker = new IncidentTracker(new SeriesKey(_serviceId, _region), service.Owner, s.Incident is { } i ? ToSeriesIncident(i) : null);
        var now = time.GetUtcNow();
        if (s.OpenStart == default)
        {
            s.OpenStart = BucketStart(now);
            s.ReportIdsSince = now;
        }

        _live = SeriesStatusView.Quiet(_serviceId, _region, now);
        _published = (_detector.Level, false, s.Incident?.Id ?? "");
        var tick = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(1).Ticks, _options.BucketWidth.Ticks / 10));
        this.RegisterGrainTimer(_ => TickAsync(), new GrainTimerCreationOptions(tick, tick) { Interleave = false });
        return Task.CompletedTask;
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
        await CloseFinishedBucketsAsync();
        await FlushRollupAsync();
        var s = state.State;
        var now = time.GetUtcNow();
        var dedupeSince = (now - _options.DeviceDedupeWindow).UtcTicks;
        var outcomes = new IngestOutcome[items.Length];
        var accepted = 0;
        var categories = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < items.Length; i++)
        {
            var item = items[i];
            if (s.ReportIds.Contains(item.ReportId) || s.PreviousReportIds.Contains(item.ReportId))
            {
                outcomes[i] = IngestOutcome.Duplicate;
                continue;
            }

            s.ReportIds.Add(item.ReportId);
            if (s.Devices.TryGetValue(item.Device, out var counted) && counted >= dedupeSince)
            {
                outcomes[i] = IngestOutcome.DeviceAlreadyCounted;
                continue;
            }

            s.Devices[item.Device] = now.UtcTicks;
            outcomes[i] = IngestOutcome.Accepted;
            accepted++;
            categories[item.Category] = categories.GetValueOrDefault(item.Category) + 1;
        }

        if (accepted > 0)
        {
            Count(accepted, categories);
        }

        if (_options.DurableAcknowledgement)
        {
            // Group commit: the whole batch's counts, dedupe entries and roll-up in one write, before anyone is told ACCEPTED.
            await SaveAsync();
        }

        await FlushRollupAsync();
        await PreviewAsync();
        return outcomes;
    }

    /// <inheritdoc />
    public async Task AddRollupAsync(string child, long sequence, int reports, Dictionary<string, int> categories)
    {
        await CloseFinishedBucketsAsync();
        await FlushRollupAsync();
        var s = state.State;
        if (s.ChildSequences.TryGetValue(child, out var applied) && sequence <= applied)
        {
            return; // resent after a lost answer: already counted
        }

        s.ChildSequences[child] = sequence;
        Count(reports, categories);
        if (_options.DurableAcknowledgement)
        {
            await SaveAsync();
        }

        await FlushRollupAsync();
        await PreviewAsync();
    }

    /// <inheritdoc />
    public async Task<SeriesStatusView> RefreshAsync()
    {
        await CloseFinishedBucketsAsync();
        if (state.State.OpenReports == 0)
        {
            return _live;
        }

        // The level is the last closed bucket's (or a raised preview's); the figures include the open bucket.
        var preview = SeriesStatusView.From(_serviceId, _region, _detector.Preview(OpenBucket(), null), _live.IncidentId);
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

    /// <summary>Adds accepted reports to the open bucket and queues them for the parent series.</summary>
    private void Count(int reports, Dictionary<string, int> categories)
    {
        var s = state.State;
        s.OpenReports += reports;
        foreach (var (category, n) in categories)
        {
            s.OpenCategories[category] = s.OpenCategories.GetValueOrDefault(category) + n;
        }

        if (_parentKey is not null)
        {
            // FlushRollupAsync ran first, so no roll-up is pending here.
            s.PendingRollup = new RollupDelta(++s.RollupSequence, reports, categories);
        }
    }

    /// <summary>Hands the pending roll-up to the parent; it stays pending (and saved) until the parent confirms.</summary>
    private async Task FlushRollupAsync()
    {
        if (state.State.PendingRollup is { } pending && _parentKey is not null)
        {
            await GrainFactory.GetGrain<ISeriesGrain>(_parentKey).AddRollupAsync(this.GetPrimaryKeyString(), pending.Sequence, pending.Reports, pending.Categories);
            state.State.PendingRollup = null;
        }
    }

    /// <summary>Judges the open bucket now rather than at the end of the minute, so a surge is published at once.</summary>
    private async Task PreviewAsync()
    {
        // A partial bucket may only raise the level: falling figures wait for the bucket to close.
        var preview = _detector.Preview(OpenBucket(), null);
        if (preview.Level > _live.Level)
        {
            await PublishAsync(preview, state.State.Incident?.Id ?? "");
        }
    }

    private async Task TickAsync()
    {
        await CloseFinishedBucketsAsync();
        await FlushRollupAsync(); // a roll-up left pending by a failed call is delivered without waiting for the next report
        if (_live.Level != DisruptionLevel.Normal)
        {
            // A disrupted series must stay active to see its own recovery even if nobody reports any more.
            DelayDeactivation(TimeSpan.FromMinutes(5));
        }
    }

    /// <inheritdoc />
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Without the durable acknowledgement the open bucket and dedupe sets live in memory between bucket closes: keep them.
        try
        {
            await SaveAsync();
        }
        catch (Exception e) when (e is OrleansException or TimeoutException or Orleans.Storage.InconsistentStateException)
        {
            LogSaveOnDeactivationFailed(logger, e, this.GetPrimaryKeyString(), reason.Description);
        }
    }

    private async Task CloseFinishedBucketsAsync()
    {
        var s = state.State;
        var now = time.GetUtcNow();
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
            s.OpenCategories = new Dictionary<string, int>(StringComparer.Ordinal);
            // After a long idle spell, jump to the current bucket: the detector fills the gap with empty buckets.
            var next = s.OpenStart + width;
            s.OpenStart = next + width <= now ? BucketStart(now) : next;

            if (_tracker.Observe(assessment) is { } incident)
            {
                var view = ToView(incident);
                s.Incident = incident.IsOpen ? view : null;
                await GrainFactory.GetGrain<IIncidentLogGrain>(0).RecordAsync(view);
            }

            await PublishAsync(assessment, s.Incident?.Id ?? "");
        }

        if (_live.Level != DisruptionLevel.Normal)
        {
            // Keep the figures that ListDisruptions serves no older than a bucket.
            await GrainFactory.GetGrain<IStatusFeedGrain>(0).UpdateFiguresAsync(_live);
        }

        Prune(now);
        await SaveAsync();
    }

    private Task SaveAsync()
    {
        state.State.Detector = _detector.Save();
        return state.WriteStateAsync();
    }

    private async Task PublishAsync(SeriesAssessment assessment, string incidentId)
    {
        _live = SeriesStatusView.From(_serviceId, _region, assessment, incidentId);
        var current = (_live.Level, _live.Recovering, incidentId);
        // A change is a new level, or, while disrupted, the recovering flag or the incident changing.
        var changed = current.Level != _published.Level
            || (current.Level != DisruptionLevel.Normal && current != _published);
        if (changed)
        {
            await GrainFactory.GetGrain<IStatusFeedGrain>(0).PublishAsync(_live, _published.Level);
        }

        // Only once the feed has it: a failed publish is retried with the next assessment.
        _published = current;
    }

    private void Prune(DateTimeOffset now)
    {
        var s = state.State;
        var oldest = now - _options.TimelineRetention;
        var stale = s.Timeline.FindIndex(p => p.Start >= oldest);
        s.Timeline.RemoveRange(0, stale < 0 ? s.Timeline.Count : stale);

        var deviceCutoff = (now - _options.DeviceDedupeWindow).UtcTicks;
        foreach (var device in s.Devices.Where(d => d.Value < deviceCutoff).Select(d => d.Key).ToList())
        {
            s.Devices.Remove(device);
        }

        if (now - s.ReportIdsSince >= _options.ReportIdRetention)
        {
            (s.PreviousReportIds, s.ReportIds) = (s.ReportIds, s.PreviousReportIds);
            s.ReportIds.Clear();
            s.ReportIdsSince = now;
        }
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
        DetectedAt = i.DetectedAt, PeakLevel = i.PeakLevel, PeakReports = i.PeakCount, RecoveringSince = i.RecoveringSince,
        ClosedAt = i.ClosedAt, TopCategories = i.Categories.Select(c => new CategoryShareView(c.Category, c.Share)).ToArray(),
    };

    /// <summary>The engine's incident behind a view (the inverse of <see cref="ToView"/> for series incidents).</summary>
    public static SeriesIncident ToSeriesIncident(IncidentView v) => new(
        v.Id, new SeriesKey(v.Services[0], v.Regions[0]), v.Owner, v.Onset, v.DetectedAt, v.PeakLevel, v.PeakReports, v.DetectedAt, 0,
        v.TopCategories.Select(c => new CategoryShare(c.Category, c.Share)).ToArray(), v.RecoveringSince, v.ClosedAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Series {Series}: state not saved on deactivation ({Reason}).")]
    private static partial void LogSaveOnDeactivationFailed(ILogger logger, Exception exception, string series, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Series {Series}: saved detector state discarded ({Reason}); relearning.")]
    private static partial void LogStateDiscarded(ILogger logger, string series, string reason);
}
