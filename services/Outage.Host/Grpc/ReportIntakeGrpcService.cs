using Outage.Detection;
using System.Diagnostics;
using Grpc.Core;
using Outage.Contracts.V1;
using Outage.Grains;
using Outage.Grains.Abstractions;
using Outage.Host.Ingest;
using Outage.Host.Watch;

namespace Outage.Host.Grpc;

/// <summary>ReportIntakeService: validates against the in-process catalog, hands reports to the intake, answers with outcomes.</summary>
internal sealed class ReportIntakeGrpcService(
    ReportValidator validator,
    ReportIntake intake,
    WatchHub hub,
    OutageMetrics metrics,
    Security.Quotas quotas,
    [FromKeyedServices(OutageClock.Key)] TimeProvider time) : ReportIntakeService.ReportIntakeServiceBase
{
    /// <summary>Reports of one stream in flight before the stream waits for outcomes.</summary>
    private const int MaxStreamInFlight = 10_000;

    /// <summary>Rejections reported in a stream summary.</summary>
    private const int MaxStreamRejections = 100;

    public override async Task<SubmitReportResponse> SubmitReport(SubmitReportRequest request, ServerCallContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var violations = validator.Validate(request.Report);
        if (violations.Count > 0)
        {
            intake.CountRejected(request.Report, violations);
            RpcErrors.InvalidArgument(violations);
        }

        var report = request.Report;
        if (quotas.Enabled && Security.Quotas.IsAnonymous(context))
        {
            quotas.TakeDeviceReport(report.DeviceId);
        }

        var outcome = await intake.SubmitAsync(report);
        var series = new SeriesKey(report.ServiceId, report.Region);
        var status = hub.Find(series) ?? SeriesStatusView.Quiet(series, time.GetUtcNow());
        metrics.IngestCompleted(nameof(SubmitReport), Stopwatch.GetElapsedTime(started));
        return new SubmitReportResponse { Outcome = outcome.ToProto(), Status = status.ToProto() };
    }

    public override async Task<SubmitReportsResponse> SubmitReports(SubmitReportsRequest request, ServerCallContext context)
    {
        var started = Stopwatch.GetTimestamp();
        RequireKeyForBulk(context);
        if (request.Reports.Count is 0 or > ReportValidator.MaxReportsPerRequest)
        {
            RpcErrors.InvalidArgument("reports", $"must hold 1 to {ReportValidator.MaxReportsPerRequest} reports (got {request.Reports.Count})");
        }

        var results = new ReportResult[request.Reports.Count];
        var pending = new List<(int Index, Task<IngestOutcome> Outcome)>(request.Reports.Count);
        for (var i = 0; i < request.Reports.Count; i++)
        {
            var report = request.Reports[i];
            var violations = validator.Validate(report, i);
            results[i] = new ReportResult { Index = i, ReportId = report.ReportId };
            if (violations.Count > 0)
            {
                intake.CountRejected(report, violations);
                results[i].Outcome = ReportOutcome.Rejected;
                results[i].Violations.AddRange(violations);
            }
            else
            {
                pending.Add((i, intake.SubmitAsync(report)));
            }
        }

        await Task.WhenAll(pending.Select(p => p.Outcome));
        foreach (var (index, outcome) in pending)
        {
            results[index].Outcome = outcome.Result.ToProto();
        }

        var response = new SubmitReportsResponse();
        response.Results.AddRange(results);
        metrics.IngestCompleted(nameof(SubmitReports), Stopwatch.GetElapsedTime(started));
        return response;
    }

    public override async Task<StreamReportsResponse> StreamReports(IAsyncStreamReader<StreamReportsRequest> requestStream, ServerCallContext context)
    {
        var started = Stopwatch.GetTimestamp();
        RequireKeyForBulk(context);
        var summary = new StreamReportsResponse();
        var inFlight = new List<Task<IngestOutcome>>();
        var index = 0;
        await foreach (var message in requestStream.ReadAllAsync(context.CancellationToken))
        {
            var violations = validator.Validate(message.Report, index);
            summary.Received++;
            if (violations.Count > 0)
            {
                intake.CountRejected(message.Report, violations);
                summary.Rejected++;
                if (summary.Rejections.Count < MaxStreamRejections)
                {
                    var rejection = new ReportResult { Index = index, ReportId = message.Report?.ReportId ?? "", Outcome = ReportOutcome.Rejected };
                    rejection.Violations.AddRange(violations);
                    summary.Rejections.Add(rejection);
                }
            }
            else
            {
                inFlight.Add(intake.SubmitAsync(message.Report!));
                if (inFlight.Count >= MaxStreamInFlight)
                {
                    await Tally(inFlight, summary);
                }
            }

            index++;
        }

        await Tally(inFlight, summary);
        metrics.IngestCompleted(nameof(StreamReports), Stopwatch.GetElapsedTime(started));
        return summary;
    }

    /// <summary>Once keys are configured, anonymous callers (the mobile apps) submit one report at a time.</summary>
    private void RequireKeyForBulk(ServerCallContext context)
    {
        if (quotas.Enabled && Security.Quotas.IsAnonymous(context))
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "Batches and streams need an API key with the reports:write scope."));
        }
    }

    private static async Task Tally(List<Task<IngestOutcome>> inFlight, StreamReportsResponse summary)
    {
        foreach (var outcome in await Task.WhenAll(inFlight))
        {
            switch (outcome)
            {
                case IngestOutcome.Accepted: summary.Accepted++; break;
                case IngestOutcome.Duplicate: summary.Duplicates++; break;
                case IngestOutcome.DeviceAlreadyCounted: summary.DeviceAlreadyCounted++; break;
            }
        }

        inFlight.Clear();
    }
}
