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

    /// <summary>
    /// The violations of <paramref name="report"/>, each field named under "report" or, for item
    /// <paramref name="index"/> of a batch or stream, "reports[index]"; empty when valid. Runs on every
    /// report: the valid path allocates nothing.
    /// </summary>
    public IReadOnlyList<FieldViolation> Validate(Report? report, int index = -1)
    {
        List<FieldViolation>? violations = null;
        // Static, so that the valid path allocates no closure; the field's name is built only for a violation.
        static void Check(ref List<FieldViolation>? violations, int index, bool ok, string field, string description)
        {
            if (!ok)
            {
                var prefix = index < 0 ? "report" : $"reports[{index}]";
                (violations ??= []).Add(Violation(field.Length == 0 ? prefix : $"{prefix}.{field}", description));
            }
        }

        if (report is null)
        {
            Check(ref violations, index, false, "", "is required");
            return violations!;
        }

        Check(ref violations, index, IsId(report.ReportId, 64), "report_id", "must be 1 to 64 printable characters");
        Check(ref violations, index, IsId(report.DeviceId, 128), "device_id", "must be 1 to 128 printable characters");
        var service = catalog.Find(report.ServiceId);
        Check(ref violations, index, service is not null, "service_id", report.ServiceId.Length == 0 ? "is required" : "is not a service of the catalog (see ListServices)");
        if (!Regions.TryValidate(report.Region, out var regionProblem))
        {
            Check(ref violations, index, false, "region", regionProblem!);
        }

        if (service is not null && !service.Categories.Contains(report.Category))
        {
            Check(ref violations, index, false, "category", $"must be one of the categories of {service.Id}: {string.Join(", ", service.Categories)}");
        }

        if (report.OccurredAt is null)
        {
            Check(ref violations, index, false, "occurred_at", "is required");
        }
        else
        {
            var now = time.GetUtcNow();
            // Out-of-range seconds or nanos are not a time at all (ToDateTimeOffset would throw): treat them as long past.
            var at = report.OccurredAt.Seconds is < -62135596800 or > 253402300799 || report.OccurredAt.Nanos is < 0 or > 999_999_999
                ? DateTimeOffset.MinValue : report.OccurredAt.ToDateTimeOffset();
            Check(ref violations, index, at <= now + MaxFuture, "occurred_at", "is more than 5 minutes in the future");
            Check(ref violations, index, at >= now - MaxPast, "occurred_at", "is more than 1 hour in the past");
        }

        Check(ref violations, index, System.Enum.IsDefined(report.Platform), "platform", "is not a known platform");
        Check(ref violations, index, report.AppVersion.Length <= 32, "app_version", "must be at most 32 characters");
        return (IReadOnlyList<FieldViolation>?)violations ?? [];
    }

    /// <summary>1 to <paramref name="maxLength"/> characters, none of them a control character (char.IsControl's ranges).</summary>
    private static bool IsId(string value, int maxLength) =>
        value.Length is > 0 && value.Length <= maxLength
        && !value.AsSpan().ContainsAnyInRange('\u0000', '\u001f') && !value.AsSpan().ContainsAnyInRange('\u007f', '\u009f');

    private static FieldViolation Violation(string field, string description) => new() { Field = field, Description = description };
}
