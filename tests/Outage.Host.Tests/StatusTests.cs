using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Outage.Contracts.V1;

namespace Outage.Host.Tests;

[Collection(HostCollection.Name)]
public class StatusTests(OutageHostFactory host)
{
    [Fact]
    public async Task ListServicesServesTheCatalogWithTheMetaFamily()
    {
        var response = await host.Query().ListServicesAsync(new ListServicesRequest());

        var meta = response.Services.Where(s => s.Owner == "meta").Select(s => s.ServiceId).Order().ToList();
        Assert.Equal(["facebook", "instagram", "messenger", "threads", "whatsapp"], meta);
        Assert.Contains("login", response.Services.Single(s => s.ServiceId == "facebook").Categories);
    }

    [Fact]
    public async Task ASeriesNobodyReportsOnIsNormal()
    {
        var response = await host.Query().GetStatusAsync(new GetStatusRequest { ServiceId = "gmail", Region = "JP" });

        Assert.Equal(DisruptionLevel.Normal, response.Status.Level);
        Assert.Equal(0, response.Status.Explanation.Observed);
    }

    [Fact]
    public async Task EveryServiceSaysTheSameOfAnUnknownServiceAndABadRegion()
    {
        static async Task<Dictionary<string, string>> Violations(Func<Task> call)
        {
            var error = await Assert.ThrowsAsync<RpcException>(call);
            Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
            return error.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>().FieldViolations.ToDictionary(v => v.Field[(v.Field.LastIndexOf('.') + 1)..], v => v.Description);
        }

        var report = Reports.Valid(host, "gmail", "us-ca");
        report.ServiceId = "myspace";
        var intake = await Violations(() => host.Intake().SubmitReportAsync(new SubmitReportRequest { Report = report }).ResponseAsync);
        var status = await Violations(() => host.Query().GetStatusAsync(new GetStatusRequest { ServiceId = "myspace", Region = "us-ca" }).ResponseAsync);
        var timeline = await Violations(() => host.Query().GetTimelineAsync(new GetTimelineRequest { ServiceId = "myspace", Region = "us-ca" }).ResponseAsync);

        Assert.All(new[] { status, timeline }, v =>
        {
            Assert.Equal(intake["service_id"], v["service_id"]);
            Assert.Equal(intake["region"], v["region"]);
        });
        Assert.Contains("ListServices", intake["service_id"]);
    }

    [Fact]
    public async Task GetStatusRejectsAMalformedRegion()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            host.Query().GetStatusAsync(new GetStatusRequest { ServiceId = "gmail", Region = "us-ca" }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    [Fact]
    public async Task TimelineCoversTheWindowAndRollsUpToCountryAndWorld()
    {
        var request = new SubmitReportsRequest();
        request.Reports.AddRange(Enumerable.Range(0, 7).Select(_ => Reports.Valid(host, "youtube", "US-TX", category: "video")));
        await host.Intake().SubmitReportsAsync(request);

        async Task<(int Buckets, long Reports)> Timeline(string region)
        {
            var t = await host.Query().GetTimelineAsync(new GetTimelineRequest
            {
                ServiceId = "youtube", Region = region, BucketWidth = Duration.FromTimeSpan(TimeSpan.FromMinutes(5)),
                Window = Duration.FromTimeSpan(TimeSpan.FromHours(2)),
            });
            return (t.Buckets.Count, t.Buckets.Sum(b => b.Reports));
        }

        Assert.Equal((24, 7L), await Timeline("US-TX"));
        // Roll-ups travel in batches, on the series' timer at the latest (a second).
        Assert.True(await Reports.Eventually(async () => await Timeline("US") == (24, 7L)));
        Assert.True(await Reports.Eventually(async () => (await Timeline("")).Reports == 7L));
    }

    [Theory]
    [InlineData(7, 60)]
    [InlineData(5, 48 * 60)]
    public async Task TimelineRejectsOddWidthsAndWindowsBeyondRetention(int widthMinutes, int windowMinutes)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => host.Query().GetTimelineAsync(new GetTimelineRequest
        {
            ServiceId = "youtube", Region = "US",
            BucketWidth = Duration.FromTimeSpan(TimeSpan.FromMinutes(widthMinutes)),
            Window = Duration.FromTimeSpan(TimeSpan.FromMinutes(windowMinutes)),
        }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    [Fact]
    public async Task AnUnknownIncidentIsNotFound()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            host.Query().GetIncidentAsync(new GetIncidentRequest { IncidentId = "nothing@here" }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task TheStatusPageAndTheJsonRoutesOfTheSameServicesAreServedOverHttp1()
    {
        var http = host.CreateClient();

        var page = await http.GetStringAsync("/");
        var status = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("/v1/services/gmail/status?region=JP")).RootElement.GetProperty("status");
        var bad = await http.GetAsync("/v1/services/gmail/status?region=us-ca");

        Assert.Contains("<main id=\"main\"", page);
        Assert.Equal("DISRUPTION_LEVEL_NORMAL", status.GetProperty("level").GetString());
        Assert.Equal("JP", status.GetProperty("region").GetString());
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("region", await bad.Content.ReadAsStringAsync()); // the same field violation as over gRPC
    }
}
