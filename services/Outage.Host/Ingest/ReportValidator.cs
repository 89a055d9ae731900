using Google.Protobuf.WellKnownTypes;
using Outage.Contracts.V1;
using Outage.Grains;
using Outage.Grains.Abstractions;
using Outage.Host.Grpc;

namespace Outage.Host.Ingest;

/// <summary>Checks reports against the in-process catalog: no grain call to validate.</summary>
public sealed class ReportValidator(ServiceCatalog catalog, [FromKeyedServices(OutageClock.Key)] TimeProvider time)
{
    /// <summary>Most reports one SubmitReports request may hold (the aggregator's batches per grain call are <see cref="IntakeOptions.MaxReportsPerGrainCall"/>).</summary>
    public const int MaxReportsPerRequest = 1000;

    private static readonly TimeSpan MaxFuture = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan MaxPast = TimeSpan.FromHours(1);

    /// <summary>
    /// The violations of <paramref name="report"/>, each field named under "report" or, for item
    /// <paramref name="index"/> of a batch or stream, "reports[index]"; empty when valid. Runs on every
    /// report: the valid path allocates nothing.
    /// </summary>
    public IReadOnlyList<FieldViolation> Validate(Report? report, int index = -1)
    {
        var v = index < 0 ? new RequestValidation("report") : new RequestValidation("reports", index);
        if (report is null)
        {
            v.Check(false, "", RequestValidation.Required);
            return v.Violations;
        }

        v.Check(IsId(report.ReportId, 64), "report_id", "must be 1 to 64 printable characters");
        v.Check(IsId(report.DeviceId, 128), "device_id", "must be 1 to 128 printable characters");
        var service = v.Service(catalog, "service_id", report.ServiceId);
        v.Region("region", report.Region, required: true);
        if (service is not null && !service.Categories.Contains(report.Category))
        {
            v.Check(false, "category", $"must be one of the categories of {service.Id}: {string.Join(", ", service.Categories)}");
        }

        if (report.OccurredAt is null)
        {
            v.Check(false, "occurred_at", RequestValidation.Required);
        }
        else
        {
            var now = time.GetUtcNow();
            // Out-of-range seconds or nanos are not a time at all (ToDateTimeOffset would throw): treat them as long past.
            var at = report.OccurredAt.Seconds is < -62135596800 or > 253402300799 || report.OccurredAt.Nanos is < 0 or > 999_999_999
                ? DateTimeOffset.MinValue : report.OccurredAt.ToDateTimeOffset();
            v.Check(at <= now + MaxFuture, "occurred_at", "is more than 5 minutes in the future");
            v.Check(at >= now - MaxPast, "occurred_at", "is more than 1 hour in the past");
        }

        v.Check(System.Enum.IsDefined(report.Platform), "platform", "is not a known platform");
        v.Check(report.AppVersion.Length <= 32, "app_version", "must be at most 32 characters");
        return v.Violations;
    }

    /// <summary>1 to <paramref name="maxLength"/> characters, none of them a control character (char.IsControl's ranges).</summary>
    private static bool IsId(string value, int maxLength) =>
        value.Length is > 0 && value.Length <= maxLength
        && !value.AsSpan().ContainsAnyInRange('\u0000', '\u001f') && !value.AsSpan().ContainsAnyInRange('\u007f', '\u009f');

}
