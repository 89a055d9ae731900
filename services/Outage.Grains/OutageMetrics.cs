using System.Diagnostics;
using System.Diagnostics.Metrics;
using Outage.Detection;
using Outage.Detection.Incidents;
using Outage.Grains.Abstractions;

namespace Outage.Grains;

/// <summary>
/// The product's own instruments (meter <see cref="MeterName"/>), beside those of Orleans, ASP.NET Core
/// and the runtime. Created through <see cref="IMeterFactory"/> so that every host in a process (tests,
/// probes) has its own meter. Gauges of series and incidents are per-process up/down counters: the
/// cluster's figure is the sum over processes, whatever silo a series lives on.
/// </summary>
public sealed class OutageMetrics
{
    /// <summary>Name of the product's meter (and of its activity source).</summary>
    public const string MeterName = "Outage";

    /// <summary>The product's activity source: spans for work that no library traces, such as a batch handed to a series grain.</summary>
    public static readonly ActivitySource ActivitySource = new(MeterName);

    private readonly Counter<long> _reports;
    private readonly Histogram<double> _ingestDuration;
    private readonly UpDownCounter<long> _activeSeries;
    private readonly UpDownCounter<long> _seriesByLevel;
    private readonly UpDownCounter<long> _openIncidents;
    private readonly Histogram<double> _detectionDelay;
    private readonly UpDownCounter<long> _watchSubscribers;
    private readonly Counter<long> _officialReads;
    private readonly Counter<long> _notificationAttempts;
    private readonly Histogram<double> _notificationLatency;
    private readonly UpDownCounter<long> _notificationOutbox;

    /// <summary>Creates the instruments on a meter of <paramref name="meters"/>.</summary>
    public OutageMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _reports = meter.CreateCounter<long>("outage.reports", "{report}",
            "Reports answered by the intake, by outcome (accepted, duplicate, rejected), service and, for rejected ones, reason.");
        _ingestDuration = meter.CreateHistogram<double>("outage.ingest.duration", "s",
            "Time from a report's arrival to its outcome, by RPC.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        _activeSeries = meter.CreateUpDownCounter<long>("outage.series.active", "{series}",
            "Series grains active in this silo.");
        _seriesByLevel = meter.CreateUpDownCounter<long>("outage.series.level", "{series}",
            "Active series in this silo by published disruption level.");
        _openIncidents = meter.CreateUpDownCounter<long>("outage.incidents.open", "{incident}",
            "Open series incidents held by series in this silo.");
        _detectionDelay = meter.CreateHistogram<double>("outage.detection.delay", "s",
            "Time from an incident's estimated onset to its detection (the series leaving NORMAL).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [30, 60, 120, 180, 300, 600, 900, 1800, 3600] });
        _watchSubscribers = meter.CreateUpDownCounter<long>("outage.watch.subscribers", "{stream}",
            "WatchStatus streams open on this process.");
        _officialReads = meter.CreateCounter<long>("outage.official_source.reads", "{read}",
            "Reads of official status sources, by service and result (ok, not_modified, error).");
        _notificationAttempts = meter.CreateCounter<long>("outage.notifications.deliveries", "{attempt}",
            "Notification delivery attempts, by channel (webhook, slack, email) and outcome (delivered, http_error, gone, refused, unreachable).");
        _notificationLatency = meter.CreateHistogram<double>("outage.notifications.delivery.duration", "s",
            "Time a notification target took to answer one attempt, by channel.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15] });
        _notificationOutbox = meter.CreateUpDownCounter<long>("outage.notifications.outbox", "{notification}",
            "Notifications waiting in the outboxes of the subscriptions active in this silo (pending changes and queued messages).");
    }

    /// <summary>Counts one read of a service's official status source.</summary>
    public void OfficialSourceRead(string serviceId, string result) =>
        _officialReads.Add(1, new TagList { { "service", serviceId }, { "result", result } });

    /// <summary>Counts one notification delivery attempt and records the target's answer time.</summary>
    public void NotificationAttempted(Abstractions.Notifications.NotificationChannel channel, string outcome, TimeSpan latency)
    {
        var tag = new KeyValuePair<string, object?>("channel", channel.ToString().ToLowerInvariant());
        _notificationAttempts.Add(1, tag, new("outcome", outcome));
        _notificationLatency.Record(latency.TotalSeconds, tag);
    }

    /// <summary>The notifications waiting in this silo's outboxes changed by <paramref name="delta"/>.</summary>
    public void NotificationOutboxChanged(int delta)
    {
        if (delta != 0)
        {
            _notificationOutbox.Add(delta);
        }
    }

    /// <summary>Counts one answered report.</summary>
    /// <param name="outcome">accepted, duplicate or rejected (lower case, as the proto enum without its prefix).</param>
    /// <param name="serviceId">The report's service; "unknown" when it was not a known service.</param>
    /// <param name="reason">For rejected reports, the first field violated; empty otherwise.</param>
    /// <param name="channel">How it came: "api" (the gRPC and JSON API: apps, partners) or "web" (the status page's button).</param>
    public void ReportAnswered(string outcome, string serviceId, string reason = "", string channel = "api") =>
        _reports.Add(1, new TagList { { "outcome", outcome }, { "service", serviceId }, { "reason", reason }, { "channel", channel } });

    /// <summary>Records how long an intake RPC took to answer.</summary>
    public void IngestCompleted(string rpc, TimeSpan elapsed) => _ingestDuration.Record(elapsed.TotalSeconds, new TagList { { "rpc", rpc } });

    /// <summary>A series grain activated (at <paramref name="level"/>, with or without an open incident).</summary>
    public void SeriesActivated(DisruptionLevel level, bool incidentOpen)
    {
        _activeSeries.Add(1);
        _seriesByLevel.Add(1, LevelTag(level));
        if (incidentOpen)
        {
            _openIncidents.Add(1);
        }
    }

    /// <summary>A series grain deactivated (it was at <paramref name="level"/>, with or without an open incident).</summary>
    public void SeriesDeactivated(DisruptionLevel level, bool incidentOpen)
    {
        _activeSeries.Add(-1);
        _seriesByLevel.Add(-1, LevelTag(level));
        if (incidentOpen)
        {
            _openIncidents.Add(-1);
        }
    }

    /// <summary>A series' published level changed.</summary>
    public void LevelChanged(DisruptionLevel from, DisruptionLevel to)
    {
        _seriesByLevel.Add(-1, LevelTag(from));
        _seriesByLevel.Add(1, LevelTag(to));
    }

    /// <summary>A series incident changed: counts it when it opens (with its detection delay) or closes.</summary>
    /// <param name="wasOpen">Whether the series had an open incident before this change.</param>
    /// <param name="incident">The incident after the change.</param>
    public void IncidentChanged(bool wasOpen, SeriesIncident incident)
    {
        if (!wasOpen && incident.IsOpen)
        {
            _openIncidents.Add(1);
            _detectionDelay.Record(incident.DetectionDelay.TotalSeconds);
        }
        else if (wasOpen && !incident.IsOpen)
        {
            _openIncidents.Add(-1);
        }
    }

    /// <summary>A WatchStatus stream opened (+1) or closed (-1).</summary>
    public void WatchSubscribersChanged(int delta) => _watchSubscribers.Add(delta);

    private static KeyValuePair<string, object?> LevelTag(DisruptionLevel level) => new("level", level.ToString().ToLowerInvariant());
}
