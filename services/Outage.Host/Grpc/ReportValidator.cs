using Google.Protobuf.WellKnownTypes;
using Outage.Contracts.V1;
using Outage.Grains;

namespace Outage.Host.Grpc;

/// <summary>Checks reports against the in-process catalog: no grain call to validate.</summary>
public sealed class ReportValidator(ServiceCatalog catalog, [FromKeyedServices(OutageClock.Key)] TimeProvider time)
{
    /// <summary>Largest batch of SubmitReports.</summary>
    public const int MaxBatch = 1000;

    private static readonly TimeSpan MaxFuture = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan MaxPast = TimeSpan.FromHours(1);

    /// <summary>The violations of <paramref name="report"/>, each field named under <paramref name="prefix"/>; empty when valid.</summary>
    public List<FieldViolation> Validate(Report? report, string prefix = "report")
    {
        var violations = new List<FieldViolation>();
        if (report is null)
        {
            violations.Add(Violation(prefix, "is required"));
            return violations;
        }

        void Check(bool ok, string field, string description)
        {
            if (!ok)
            {
                violations.Add(Violation($"{prefix}.{field}", description));
            }
        }

        Check(IsId(report.ReportId, 64), "report_id", "must be 1 to 64 printable characters");
        Check(IsId(report.DeviceId, 128), "device_id", "must be 1 to 128 printable characters");
        var service = catalog.Find(report.ServiceId);
        Check(service is not null, "service_id", report.ServiceId.Length == 0 ? "is required" : "is not a service of the catalog (see ListServices)");
        if (!Regions.TryValidate(report.Region, out var regionProblem))
        {
            Check(false, "region", regionProblem!);
        }

        if (service is not null)
        {
            Check(service.Categories.Contains(report.Category), "category",
                $"must be one of the categories of {service.Id}: {string.Join(", ", service.Categories)}");
        }

        if (report.OccurredAt is null)
        {
            Check(false, "occurred_at", "is required");
        }
        else
        {
            var now = time.GetUtcNow();
            var at = report.OccurredAt.Seconds is < -62135596800 or > 253402300799 ? DateTimeOffset.MinValue : report.OccurredAt.ToDateTimeOffset();
            Check(at <= now + MaxFuture, "occurred_at", "is more than 5 minutes in the future");
            Check(at >= now - MaxPast, "occurred_at", "is more than 1 hour in the past");
        }

        Check(System.Enum.IsDefined(report.Platform), "platform", "is not a known platform");
        Check(report.AppVersion.Length <= 32, "app_version", "must be at most 32 characters");
        return violations;
    }

    private static bool IsId(string value, int maxLength) =>
        value.Length is > 0 && value.Length <= maxLength && !value.Any(char.IsControl);

    private static FieldViolation Violation(string field, string description) => new() { Field = field, Description = description };
}
