using Outage.Detection;
using Outage.Grains.Dedupe;
using Outage.Grains.Abstractions;

namespace Outage.Grains;

/// <summary>
/// The persisted state of a series grain: small, bounded, and named by alias rather than CLR type. It is
/// written whole as a snapshot at every bucket close and on deactivation; between snapshots each batch's
/// effect is a <see cref="SeriesChange"/>, journaled before it is acknowledged and replayed onto the last
/// snapshot after a crash. Live batches and replays go through the same <see cref="Apply"/>.
/// </summary>
[GenerateSerializer, Alias("outage.SeriesState")]
public sealed class SeriesState
{
    /// <summary>Generations of the report-id set: ids are remembered for one to two retention periods.</summary>
    public const int ReportIdGenerations = 2;

    /// <summary>Generations of the device set: devices are remembered for the dedupe window to 4/3 of it.</summary>
    public const int DeviceGenerations = 4;

    /// <summary>The detector's own versioned binary state.</summary>
    [Id(0)] public byte[]? Detector { get; set; }

    /// <summary>Start of the open bucket.</summary>
    [Id(1)] public DateTimeOffset OpenStart { get; set; }

    /// <summary>Reports counted in the open bucket.</summary>
    [Id(2)] public int OpenReports { get; set; }

    /// <summary>Reports per category in the open bucket.</summary>
    [Id(3)] public Dictionary<string, int> OpenCategories { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Closed buckets, oldest first, bounded by the timeline retention.</summary>
    [Id(4)] public List<TimelinePoint> Timeline { get; set; } = [];

    // Ids 5 to 8 held exact report-id and device sets in earlier versions; they are no longer read.

    /// <summary>The open incident of this series, if any.</summary>
    [Id(9)] public IncidentView? Incident { get; set; }

    /// <summary>Sequence number of the last roll-up this series queued for its parent.</summary>
    [Id(10)] public long RollupSequence { get; set; }

    /// <summary>Read from snapshots of earlier versions only (one pending roll-up); moved into <see cref="PendingRollups"/>.</summary>
    [Id(11)] public RollupDelta? PendingRollup { get; set; }

    /// <summary>
    /// Roll-ups queued for the parent and not yet confirmed (an outbox), oldest first, one per change so that
    /// a replay rebuilds them with the same sequence numbers. Delivered together; the parent applies only
    /// the sequences it has not applied yet, so a resend, even one that overlaps, counts once.
    /// </summary>
    [Id(16)] public List<RollupDelta> PendingRollups { get; set; } = [];

    /// <summary>For a parent: the last roll-up sequence applied from each child, so a resent roll-up counts once.</summary>
    [Id(12)] public Dictionary<string, long> ChildSequences { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Report ids seen (every report not itself a duplicate), for idempotent retries.</summary>
    [Id(13)] public RotatingFingerprintSet ReportIds { get; set; } = new(ReportIdGenerations, default);

    /// <summary>Devices with a counted report within the dedupe window.</summary>
    [Id(14)] public RotatingFingerprintSet Devices { get; set; } = new(DeviceGenerations, default);

    /// <summary>Sequence number of the last change applied (journaled changes after it are replayed).</summary>
    [Id(15)] public long ChangeSequence { get; set; }

    /// <summary>One summary per UTC day, oldest first, bounded by the history retention (see <see cref="DailyHistory"/>).</summary>
    [Id(17)] public List<DailySummary> History { get; set; } = [];

    /// <summary>
    /// Decides each report's outcome against the dedupe sets (and against the batch itself) without
    /// changing anything; the change to apply is returned alongside.
    /// </summary>
    public (IngestOutcome[] Outcomes, SeriesChange Change) Decide(IReadOnlyList<IngestItem> items)
    {
        var outcomes = new IngestOutcome[items.Count];
        var reportIds = new List<ulong>(items.Count);
        var devices = new List<ulong>(items.Count);
        var categories = new Dictionary<string, int>(StringComparer.Ordinal);
        var batchIds = new HashSet<ulong>(items.Count);
        var batchDevices = new HashSet<ulong>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (ReportIds.Contains(item.ReportId) || !batchIds.Add(item.ReportId))
            {
                outcomes[i] = IngestOutcome.Duplicate;
                continue;
            }

            reportIds.Add(item.ReportId);
            if (Devices.Contains(item.Device) || !batchDevices.Add(item.Device))
            {
                outcomes[i] = IngestOutcome.DeviceAlreadyCounted;
                continue;
            }

            devices.Add(item.Device);
            categories[item.Category] = categories.GetValueOrDefault(item.Category) + 1;
            outcomes[i] = IngestOutcome.Accepted;
        }

        return (outcomes, new SeriesChange(ChangeSequence + 1, OpenStart, [.. reportIds], [.. devices], devices.Count, categories, null, 0));
    }

    /// <summary>
    /// The change that adds a child's roll-ups not applied yet (their sequences above the last one applied
    /// from that child), summed; null when every one was applied already (a resend).
    /// </summary>
    public SeriesChange? DecideRollup(string child, IReadOnlyList<RollupDelta> deltas) =>
        DecideRollups([new ChildRollups(child, [.. deltas])]).SingleOrDefault();

    /// <summary>
    /// The changes that add several children's roll-ups (one change per child with anything new, numbered in order, to be
    /// journaled together and applied in order). A child that appears twice in the batch (a resend queued behind its
    /// first send) counts each delta once.
    /// </summary>
    public List<SeriesChange> DecideRollups(IReadOnlyList<ChildRollups> batch)
    {
        var changes = new List<SeriesChange>(batch.Count);
        Dictionary<string, long>? decided = null; // children decided earlier in this batch: their last sequence
        foreach (var (child, deltas) in batch)
        {
            var applied = decided?.GetValueOrDefault(child) is > 0 and var earlier ? earlier : ChildSequences.GetValueOrDefault(child);
            var reports = 0;
            var last = applied;
            Dictionary<string, int>? categories = null;
            foreach (var delta in deltas)
            {
                if (delta.Sequence <= applied)
                {
                    continue;
                }

                reports += delta.Reports;
                last = Math.Max(last, delta.Sequence);
                categories ??= new Dictionary<string, int>(StringComparer.Ordinal);
                foreach (var (category, n) in delta.Categories)
                {
                    categories[category] = categories.GetValueOrDefault(category) + n;
                }
            }

            if (categories is not null)
            {
                changes.Add(new SeriesChange(ChangeSequence + changes.Count + 1, OpenStart, [], [], reports, categories, child, last));
                (decided ??= new(StringComparer.Ordinal))[child] = last;
            }
        }

        return changes;
    }

    /// <summary>
    /// Applies a change: remembers its report ids and devices, counts its reports in the open bucket and
    /// (when the series has a parent) queues them in the roll-up outbox.
    /// </summary>
    public void Apply(SeriesChange change, bool hasParent, int dedupeCapacity)
    {
        foreach (var id in change.ReportIds)
        {
            ReportIds.Add(id, dedupeCapacity);
        }

        foreach (var device in change.Devices)
        {
            // Past the capacity a device is not remembered; its report still counts (fail open).
            Devices.Add(device, dedupeCapacity);
        }

        if (change.Child is not null)
        {
            ChildSequences[change.Child] = change.ChildSequence;
        }

        ChangeSequence = change.Sequence;
        if (change.Reports == 0)
        {
            return;
        }

        OpenReports += change.Reports;
        foreach (var (category, n) in change.Categories)
        {
            OpenCategories[category] = OpenCategories.GetValueOrDefault(category) + n;
        }

        if (hasParent)
        {
            PendingRollups.Add(new RollupDelta(++RollupSequence, change.Reports, change.Categories));
        }
    }

    /// <summary>The open bucket as the detector sees it: one counted report per device per dedupe window, so its reports are its distinct reporters.</summary>
    public BucketObservation OpenBucket() => new(OpenStart, OpenReports, OpenReports, OpenCategories);

    /// <summary>True when the open bucket ended by <paramref name="now"/>.</summary>
    public bool IsBucketDue(DateTimeOffset now, TimeSpan width) => OpenStart + width <= now;

    /// <summary>Starts the bucket clock of a new series at the bucket holding <paramref name="now"/>.</summary>
    public void StartClock(DateTimeOffset now, TimeSpan width)
    {
        if (OpenStart == default)
        {
            OpenStart = BucketClock.Floor(now, width);
        }
    }

    /// <summary>
    /// Closes the open bucket with the detector's assessment of it (kept on the timeline) and opens the next; after a
    /// long idle spell it jumps to the bucket holding <paramref name="now"/> (the detector fills the gap with empty buckets).
    /// </summary>
    public void CloseBucket(SeriesAssessment assessment, DateTimeOffset now, TimeSpan width, TimeSpan timelineRetention, Func<DateTimeOffset, double> expectedAt)
    {
        Timeline.Add(new TimelinePoint(OpenStart, OpenReports, (float)assessment.ExpectedInBucket, assessment.Level));
        DailyHistory.Record(History, OpenStart, width, OpenReports, assessment.Level);
        OpenReports = 0;
        OpenCategories = new Dictionary<string, int>(StringComparer.Ordinal);
        var next = OpenStart + width;
        if (next + width > now)
        {
            OpenStart = next;
            return;
        }

        // Buckets that ended while the series was not called (a quiet series' timer sleeps): empty on the timeline, as
        // they would have been closed one by one (the detector fills them itself); only those the timeline keeps.
        var current = BucketClock.Floor(now, width);
        var retained = BucketClock.Floor(now - timelineRetention, width);
        for (var start = next > retained ? next : retained; start < current; start += width)
        {
            Timeline.Add(new TimelinePoint(start, 0, (float)expectedAt(start), assessment.Level));
        }

        OpenStart = current;
    }

    /// <summary>
    /// Drops timeline points older than <paramref name="timelineRetention"/>, days older than <paramref name="historyDays"/>,
    /// and report ids and devices older than their windows (a generation at a time).
    /// </summary>
    public void Prune(DateTimeOffset now, TimeSpan timelineRetention, int historyDays, TimeSpan reportIdRetention, TimeSpan deviceWindow)
    {
        var stale = Timeline.FindIndex(p => p.Start >= now - timelineRetention);
        Timeline.RemoveRange(0, stale < 0 ? Timeline.Count : stale);
        DailyHistory.Prune(History, now, historyDays);
        ReportIds.Rotate(now, reportIdRetention * (ReportIdGenerations - 1));
        Devices.Rotate(now, deviceWindow);
    }

    /// <summary>A snapshot of an earlier version held one pending roll-up: it goes first in the outbox.</summary>
    public void MigrateSinglePendingRollup()
    {
        if (PendingRollup is { } earlier)
        {
            PendingRollups.Insert(0, earlier);
            PendingRollup = null;
        }
    }
}
