using System.Security.Cryptography;
using System.Text;
using Google.Rpc;
using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.AspNetCore.Hosting;
using Outage.Contracts.V1;

namespace Outage.Host.Tests;

/// <summary>A host with API keys configured: anonymous reports allowed and limited, anonymous reads switched off.</summary>
public sealed class KeyedHostFactory : OutageHostFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        void Key(int i, string name, string key, double callsPerSecond, params string[] scopes)
        {
            builder.UseSetting($"Outage:Auth:Keys:{i}:Name", name);
            builder.UseSetting($"Outage:Auth:Keys:{i}:Hash", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))));
            builder.UseSetting($"Outage:Auth:Keys:{i}:CallsPerSecond", callsPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture));
            for (var s = 0; s < scopes.Length; s++)
            {
                builder.UseSetting($"Outage:Auth:Keys:{i}:Scopes:{s}", scopes[s]);
            }
        }

        Key(0, "partner", "partner-key", 1000, "reports:write", "status:read");
        Key(1, "reader", "reader-key", 1000, "status:read");
        Key(2, "tiny", "tiny-key", 0.5, "status:read");
        Key(3, "operator", "operator-key", 1000, "status:read", "admin");
        builder.UseSetting("Outage:Auth:AnonymousStatusReads", "false");
        builder.UseSetting("Outage:Auth:AnonymousReportsPerMinutePerDevice", "2");
    }
}

public class AuthTests(KeyedHostFactory host) : IClassFixture<KeyedHostFactory>
{
    private static Metadata Bearer(string key) => new() { { "authorization", "Bearer " + key } };

    private Task<SubmitReportResponse> Submit(Metadata? headers = null, string? device = null) =>
        host.Intake().SubmitReportAsync(new SubmitReportRequest { Report = Reports.Valid(host, "whatsapp", "IT", "messages", device) }, headers).ResponseAsync;

    private Task<GetStatusResponse> Status(Metadata? headers = null) =>
        host.Query().GetStatusAsync(new GetStatusRequest { ServiceId = "whatsapp", Region = "IT" }, headers).ResponseAsync;

    [Fact]
    public async Task AnonymousReportsAreAcceptedWhileAnonymousReadsAreSwitchedOff()
    {
        Assert.Equal(ReportOutcome.Accepted, (await Submit()).Outcome);
        Assert.Equal(StatusCode.Unauthenticated, await Reports.CodeOf(() => Status()));
    }

    [Fact]
    public async Task AWrongKeyIsUnauthenticatedEvenWhereAnonymousCallsAreAllowed()
    {
        Assert.Equal(StatusCode.Unauthenticated, await Reports.CodeOf(() => Submit(Bearer("not-a-key"))));
        Assert.Equal(StatusCode.Unauthenticated, await Reports.CodeOf(() => Status(Bearer("not-a-key"))));
    }

    [Fact]
    public async Task AKeyWithoutTheScopeIsPermissionDenied()
    {
        Assert.Equal(StatusCode.PermissionDenied, await Reports.CodeOf(() => Submit(Bearer("reader-key"))));
        Assert.Equal(StatusCode.OK, await Reports.CodeOf(() => Status(Bearer("reader-key"))));
        Assert.Equal(StatusCode.OK, await Reports.CodeOf(() => Submit(Bearer("partner-key"))));
    }

    [Fact]
    public async Task BatchesNeedAKey()
    {
        var batch = new SubmitReportsRequest { Reports = { Reports.Valid(host, "whatsapp", "IT", "messages") } };

        Assert.Equal(StatusCode.Unauthenticated, await Reports.CodeOf(() => host.Intake().SubmitReportsAsync(batch).ResponseAsync));
        var answered = await host.Intake().SubmitReportsAsync(batch, Bearer("partner-key"));
        Assert.Equal(ReportOutcome.Accepted, answered.Results.Single().Outcome);
    }

    [Fact]
    public async Task AKeyOverItsQuotaIsResourceExhaustedWithRetryInfo()
    {
        // 0.5 calls per second: a bucket of one call.
        await Status(Bearer("tiny-key"));
        var refused = await Assert.ThrowsAsync<RpcException>(() => Status(Bearer("tiny-key")));

        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        var retry = refused.GetRpcStatus()!.GetDetail<RetryInfo>();
        Assert.NotNull(retry);
        Assert.True(retry.RetryDelay.ToTimeSpan() > TimeSpan.Zero);
        // Another key's quota is its own.
        Assert.Equal(StatusCode.OK, await Reports.CodeOf(() => Status(Bearer("reader-key"))));
    }

    [Fact]
    public async Task AnAnonymousDeviceOverItsQuotaIsResourceExhausted()
    {
        var device = Guid.NewGuid().ToString("N");

        await Submit(device: device);
        await Submit(device: device);
        var refused = await Assert.ThrowsAsync<RpcException>(() => Submit(device: device));

        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.NotNull(refused.GetRpcStatus()!.GetDetail<RetryInfo>());
        Assert.Equal(ReportOutcome.Accepted, (await Submit()).Outcome); // another device
    }

    [Fact]
    public async Task PartnersDoNotSeeRegionalDetailFromFewerThanFiveReporters()
    {
        async Task Report(string region, int devices)
        {
            for (var i = 0; i < devices; i++)
            {
                await host.Intake().SubmitReportAsync(new SubmitReportRequest { Report = Reports.Valid(host, "whatsapp", region, "messages") });
            }
        }

        async Task<(double Observed, int Reporters, long Timeline)> Seen(string region, string key)
        {
            var status = (await host.Query().GetStatusAsync(new GetStatusRequest { ServiceId = "whatsapp", Region = region }, Bearer(key))).Status;
            var timeline = await host.Query().GetTimelineAsync(new GetTimelineRequest { ServiceId = "whatsapp", Region = region }, Bearer(key));
            return (status.Explanation.Observed, status.Explanation.DistinctReporters, timeline.Buckets.Sum(b => b.Reports));
        }

        await Report("GR", 3);
        await Report("PT", 6);

        Assert.Equal((0.0, 0, 0L), await Seen("GR", "reader-key"));
        Assert.Equal((3.0, 3, 3L), await Seen("GR", "operator-key"));
        Assert.Equal((6.0, 6, 6L), await Seen("PT", "reader-key"));
    }

    [Fact]
    public async Task AStatementPostedWithTheAdminScopeAppearsInStatusAndInTheWatchStream()
    {
        var admin = new AdminService.AdminServiceClient(host.Channel());
        var post = new PostStatementRequest { ServiceId = "instagram", Text = "We're aware some people are having trouble accessing our apps." };
        Assert.Equal(StatusCode.PermissionDenied, await Reports.CodeOf(() => admin.PostStatementAsync(post, Bearer("reader-key")).ResponseAsync));
        Assert.Equal(StatusCode.Unauthenticated, await Reports.CodeOf(() => admin.PostStatementAsync(post).ResponseAsync));
        var invalid = await Assert.ThrowsAsync<RpcException>(() => admin.PostStatementAsync(new PostStatementRequest { ServiceId = "instagram", Text = " " }, Bearer("operator-key")).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, invalid.StatusCode);

        using var watch = host.Query().WatchStatus(new WatchStatusRequest { ServiceId = "instagram" }, Bearer("reader-key"));
        // The end-of-snapshot marker says the stream has joined the feed: a statement posted now reaches it.
        do
        {
            Assert.True(await watch.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));
        }
        while (!watch.ResponseStream.Current.SnapshotComplete);

        var next = watch.ResponseStream.MoveNext(CancellationToken.None);
        var posted = await admin.PostStatementAsync(post, Bearer("operator-key"));
        Assert.Equal("operator", posted.Statement.Author);
        Assert.Null(posted.Statement.AcknowledgementLag); // nothing is disrupted: no lag to measure
        Assert.True(await next.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(post.Text, watch.ResponseStream.Current.Status.Statements.First().Text);
        Assert.True(await Reports.Eventually(async () =>
            (await host.Query().GetStatusAsync(new GetStatusRequest { ServiceId = "instagram", Region = "BR" }, Bearer("reader-key"))).Status.Statements.Any(x => x.Text == post.Text)));
    }

    [Fact]
    public async Task HealthAnswersWithoutAKey()
    {
        var health = new Health.HealthClient(host.Channel());

        var live = await health.CheckAsync(new HealthCheckRequest { Service = "live" });

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, live.Status);
    }

    [Fact]
    public async Task TheJsonRoutesKeepTheKeysAndScopesOfTheirServices()
    {
        var http = host.CreateClient();
        async Task<System.Net.HttpStatusCode> GetAsync(string path, string? key)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            if (key is not null)
            {
                request.Headers.Authorization = new("Bearer", key);
            }

            return (await http.SendAsync(request)).StatusCode;
        }

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, await GetAsync("/v1/disruptions", null)); // anonymous reads are off here
        Assert.Equal(System.Net.HttpStatusCode.OK, await GetAsync("/v1/disruptions", "reader-key"));
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, await http.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/v1/services/facebook")
        {
            Headers = { Authorization = new("Bearer", "reader-key") },
        }).ContinueWith(t => t.Result.StatusCode));
    }
}
