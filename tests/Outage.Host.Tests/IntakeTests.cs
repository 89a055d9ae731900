using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Outage.Contracts.V1;

namespace Outage.Host.Tests;

[Collection(HostCollection.Name)]
public class IntakeTests(OutageHostFactory host)
{
    private async Task<long> CountedAsync(string service, string region)
    {
        var timeline = await host.Query().GetTimelineAsync(new GetTimelineRequest
        {
            ServiceId = service, Region = region, BucketWidth = Duration.FromTimeSpan(TimeSpan.FromMinutes(15)),
        });
        return timeline.Buckets.Sum(b => b.Reports);
    }

    [Fact]
    public async Task SubmitReportIsAcceptedAndAnswersWithTheSeriesStatus()
    {
        var response = await host.Intake().SubmitReportAsync(new SubmitReportRequest { Report = Reports.Valid(host, "discord", "SE") });

        Assert.Equal(ReportOutcome.Accepted, response.Outcome);
        Assert.Equal("discord", response.Status.ServiceId);
        Assert.Equal("SE", response.Status.Region);
        Assert.Equal(DisruptionLevel.Normal, response.Status.Level);
        Assert.Equal(1, await CountedAsync("discord", "SE"));
    }

    [Fact]
    public async Task ARetryWithTheSameReportIdIsDuplicateAndCountsOnce()
    {
        var report = Reports.Valid(host, "discord", "NO");

        var first = await host.Intake().SubmitReportAsync(new SubmitReportRequest { Report = report });
        var retry = await host.Intake().SubmitReportAsync(new SubmitReportRequest { Report = report });

        Assert.Equal(ReportOutcome.Accepted, first.Outcome);
        Assert.Equal(ReportOutcome.Duplicate, retry.Outcome);
        Assert.Equal(1, await CountedAsync("discord", "NO"));
    }

    [Fact]
    public async Task ADeviceCountsOncePerDedupeWindow()
    {
        var device = Guid.NewGuid().ToString("N");

        var first = await host.Intake().SubmitReportAsync(new SubmitReportRequest { Report = Reports.Valid(host, "discord", "DK", device: device) });
        var again = await host.Intake().SubmitReportAsync(new SubmitReportRequest { Report = Reports.Valid(host, "discord", "DK", device: device) });

        Assert.Equal(ReportOutcome.Accepted, first.Outcome);
        Assert.Equal(ReportOutcome.DeviceAlreadyCounted, again.Outcome);
        Assert.Equal(1, await CountedAsync("discord", "DK"));
    }

    [Fact]
    public async Task AnInvalidReportFailsWithAViolationPerBadFieldAndCountsNothing()
    {
        var report = Reports.Valid(host, "discord", "FI");
        report.Region = "Finland";
        report.Category = "weather";
        report.DeviceId = "";
        report.OccurredAt = Timestamp.FromDateTimeOffset(host.Clock.GetUtcNow().AddDays(2));

        var error = await Assert.ThrowsAsync<RpcException>(() => host.Intake().SubmitReportAsync(new SubmitReportRequest { Report = report }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var badRequest = error.GetRpcStatus()!.GetDetail<BadRequest>();
        Assert.Equal(["report.category", "report.device_id", "report.occurred_at", "report.region"], badRequest.FieldViolations.Select(v => v.Field).Order());
        Assert.Equal(0, await CountedAsync("discord", "FI"));
    }

    [Fact]
    public async Task AnUnknownServiceIsNamed()
    {
        var report = Reports.Valid(host, "myspace", "US");

        var error = await Assert.ThrowsAsync<RpcException>(() => host.Intake().SubmitReportAsync(new SubmitReportRequest { Report = report }).ResponseAsync);

        Assert.Equal("report.service_id", Assert.Single(error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations).Field);
    }

    [Fact]
    public async Task ABatchRejectsBadItemsOneByOneAndAcceptsTheRest()
    {
        var request = new SubmitReportsRequest();
        request.Reports.Add(Reports.Valid(host, "steam", "PL"));
        var bad = Reports.Valid(host, "steam", "PL");
        bad.Region = "XX";
        request.Reports.Add(bad);
        request.Reports.Add(Reports.Valid(host, "steam", "PL", category: "downloads"));

        var response = await host.Intake().SubmitReportsAsync(request);

        Assert.Equal([ReportOutcome.Accepted, ReportOutcome.Rejected, ReportOutcome.Accepted], response.Results.Select(r => r.Outcome));
        Assert.Equal("reports[1].region", Assert.Single(response.Results[1].Violations).Field);
        Assert.Equal(2, await CountedAsync("steam", "PL"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public async Task AnEmptyOrOversizedBatchIsInvalid(int size)
    {
        var request = new SubmitReportsRequest();
        request.Reports.AddRange(Enumerable.Range(0, size).Select(_ => Reports.Valid(host, "steam", "CZ")));

        var error = await Assert.ThrowsAsync<RpcException>(() => host.Intake().SubmitReportsAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("reports", Assert.Single(error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations).Field);
        Assert.Equal(0, await CountedAsync("steam", "CZ"));
    }

    [Fact]
    public async Task AStreamOfReportsEndsWithASummary()
    {
        using var call = host.Intake().StreamReports();
        var duplicate = Reports.Valid(host, "steam", "HU");
        for (var i = 0; i < 250; i++)
        {
            await call.RequestStream.WriteAsync(new StreamReportsRequest { Report = Reports.Valid(host, "steam", "HU") });
        }

        await call.RequestStream.WriteAsync(new StreamReportsRequest { Report = duplicate });
        await call.RequestStream.WriteAsync(new StreamReportsRequest { Report = duplicate });
        await call.RequestStream.WriteAsync(new StreamReportsRequest { Report = new Report { ServiceId = "steam" } });
        await call.RequestStream.CompleteAsync();
        var summary = await call;

        Assert.Equal(253, summary.Received);
        Assert.Equal(251, summary.Accepted);
        Assert.Equal(1, summary.Duplicates);
        Assert.Equal(1, summary.Rejected);
        Assert.Equal(252, Assert.Single(summary.Rejections).Index);
        Assert.Equal(251, await CountedAsync("steam", "HU"));
    }
}
