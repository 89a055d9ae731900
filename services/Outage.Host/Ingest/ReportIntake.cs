using Outage.Detection;
using Outage.Contracts.V1;
using Outage.Grains;
using Outage.Grains.Abstractions;

namespace Outage.Host.Ingest;

/// <summary>
/// One report into the aggregator, whichever door it came through (the gRPC/JSON API or the status page's button):
/// the same keyed hashing, dedupe and outcome, and the same metrics, tagged with the channel.
/// </summary>
public sealed class ReportIntake(ReportHasher hasher, ReportAggregator aggregator, ServiceCatalog catalog, OutageMetrics metrics)
{
    /// <summary>The channel tag of the API (apps, partners).</summary>
    public const string Api = "api";

    /// <summary>The channel tag of the status page.</summary>
    public const string Web = "web";

    /// <summary>Submits a valid report; completes when it is counted (or known to be a duplicate) and durable.</summary>
    public async Task<IngestOutcome> SubmitAsync(Report report, string channel = Api)
    {
        // The idempotency key is the client's report id within its device, so two apps choosing the same id do not collide.
        var (reportKey, deviceKey) = hasher.Keys(report.DeviceId, report.ReportId);
        var outcome = await aggregator.SubmitAsync(new SeriesKey(report.ServiceId, report.Region), new IngestItem(reportKey, deviceKey, report.Category));
        metrics.ReportAnswered(outcome switch
        {
            IngestOutcome.Accepted => "accepted",
            IngestOutcome.Duplicate => "duplicate",
            _ => "device_already_counted",
        }, report.ServiceId, channel: channel);
        return outcome;
    }

    /// <summary>
    /// Counts a rejected report by the name of its first violated field ("reports[3].region" counts as
    /// "region"); the service tag names catalog services only. Both keep the metric's cardinality bounded.
    /// </summary>
    public void CountRejected(Report? report, IReadOnlyList<FieldViolation> violations, string channel = Api)
    {
        var field = violations[0].Field;
        var reason = field[(field.LastIndexOf('.') + 1)..];
        metrics.ReportAnswered("rejected", report is not null && catalog.Find(report.ServiceId) is not null ? report.ServiceId : "unknown", reason, channel);
    }
}
