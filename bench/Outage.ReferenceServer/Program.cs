using Grpc.Core;
using Outage.Contracts.V1;

// The gRPC stack alone: the same contract, the same Kestrel and HTTP/2 settings as the product's gRPC
// endpoint, handlers that answer ACCEPTED (and GetStatus NORMAL) at once with a response of the product's shape. What the
// product reaches against this, in the same run on the same machine, is the ratio the benchmarks report.
// Usage: Outage.ReferenceServer [--urls http://127.0.0.1:5090]
var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.WebHost.ConfigureKestrel(k => k.ConfigureEndpointDefaults(e => e.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http2));
builder.Services.AddGrpc();
var app = builder.Build();
app.MapGrpcService<InstantIntake>();
app.MapGrpcService<InstantStatus>();
app.Run();

/// <summary>ReportIntakeService answering every report ACCEPTED without looking further than the message.</summary>
internal sealed class InstantIntake : ReportIntakeService.ReportIntakeServiceBase
{
    private static readonly SeriesStatus Quiet = new() { Level = DisruptionLevel.Normal };

    public override Task<SubmitReportResponse> SubmitReport(SubmitReportRequest request, ServerCallContext context) =>
        Task.FromResult(new SubmitReportResponse { Outcome = ReportOutcome.Accepted, Status = new SeriesStatus(Quiet) { ServiceId = request.Report.ServiceId, Region = request.Report.Region } });

    public override Task<SubmitReportsResponse> SubmitReports(SubmitReportsRequest request, ServerCallContext context)
    {
        var response = new SubmitReportsResponse();
        for (var i = 0; i < request.Reports.Count; i++)
        {
            response.Results.Add(new ReportResult { Index = i, ReportId = request.Reports[i].ReportId, Outcome = ReportOutcome.Accepted });
        }

        return Task.FromResult(response);
    }

    public override async Task<StreamReportsResponse> StreamReports(IAsyncStreamReader<StreamReportsRequest> requestStream, ServerCallContext context)
    {
        var summary = new StreamReportsResponse();
        await foreach (var _ in requestStream.ReadAllAsync(context.CancellationToken))
        {
            summary.Received++;
            summary.Accepted++;
        }

        return summary;
    }
}

/// <summary>StatusQueryService's GetStatus answering NORMAL at once: the floor of GetStatus latency under the same load.</summary>
internal sealed class InstantStatus : StatusQueryService.StatusQueryServiceBase
{
    public override Task<GetStatusResponse> GetStatus(GetStatusRequest request, ServerCallContext context) =>
        Task.FromResult(new GetStatusResponse { Status = new SeriesStatus { ServiceId = request.ServiceId, Region = request.Region, Level = DisruptionLevel.Normal } });
}
