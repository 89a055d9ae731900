using Outage.Detection;
using Outage.Grains.Abstractions;

namespace Outage.Grains;

/// <summary>Settings of the series grains, bound from the configuration section <c>Outage:Series</c>.</summary>
public sealed class SeriesOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Outage:Series";

    /// <summary>Width of a bucket of counts (default 1 minute).</summary>
    public TimeSpan BucketWidth { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>One counted report per device per series within this window (default 15 minutes).</summary>
    public TimeSpan DeviceDedupeWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a report id is remembered for idempotent retries (at least this long, at most twice).</summary>
    public TimeSpan ReportIdRetention { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Bucket history kept for timelines (default 24 hours).</summary>
    public TimeSpan TimelineRetention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Days of daily summaries kept per series for GetHistory (default 90).</summary>
    public int HistoryRetentionDays { get; set; } = 90;

    /// <summary>
    /// Most report ids, and most devices, a series remembers per dedupe generation (default 1,048,576):
    /// the bound on dedupe memory under a flood of new devices. Past it, reports are still counted.
    /// </summary>
    public int DedupeCapacity { get; set; } = 1 << 20;

    /// <summary>
    /// True (the default): with a durable journal (production mode), a batch's outcomes are returned only
    /// after its change (counts, report ids, devices, roll-up) is appended to the series journal, so
    /// ACCEPTED survives the loss of the silo: one small append per series per batch, not per report.
    /// False: state is written at bucket close and on deactivation only.
    /// </summary>
    public bool DurableAcknowledgement { get; set; } = true;

    /// <summary>Target false disruptions per series per 30 days (see <see cref="Outage.Detection.DetectorSettings.FalseAlarmsPer30Days"/>).</summary>
    public double FalseAlarmsPer30Days { get; set; } = new Outage.Detection.DetectorSettings().FalseAlarmsPer30Days;

    /// <summary>
    /// Detector settings for a service with <paramref name="minDistinctReporters"/> and its own target of false
    /// alarms (0 for this cluster's <see cref="FalseAlarmsPer30Days"/>). Short buckets
    /// (demonstrations, benchmarks) keep the surge windows, the explanation window and the sustained-surge window that fit the
    /// detector's ring of 512 buckets: with 5-second buckets, windows up to 30 minutes.
    /// </summary>
    public DetectorSettings DetectorSettings(int minDistinctReporters, double falseAlarmsPer30Days = 0)
    {
        var defaults = new DetectorSettings();
        var longest = BucketWidth * 512;
        var windows = defaults.ScanWindows.Where(w => w >= BucketWidth && w <= longest).ToArray();
        return new DetectorSettings
        {
            BucketWidth = BucketWidth,
            MinDistinctReporters = minDistinctReporters,
            FalseAlarmsPer30Days = falseAlarmsPer30Days > 0 ? falseAlarmsPer30Days : FalseAlarmsPer30Days,
            ScanWindows = windows.Length > 0 ? windows : [BucketWidth],
            ExplanationWindow = defaults.ExplanationWindow <= longest ? defaults.ExplanationWindow : longest,
            SustainedSurgeDuration = defaults.SustainedSurgeDuration <= longest ? defaults.SustainedSurgeDuration : longest,
        };
    }

    /// <summary>The detector settings of a series of <paramref name="service"/>.</summary>
    public DetectorSettings DetectorSettings(ServiceDefinition service) =>
        DetectorSettings(service.MinDistinctReporters, service.FalseAlarmsPer30Days);
}
