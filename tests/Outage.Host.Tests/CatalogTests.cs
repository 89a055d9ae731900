using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Outage.Contracts.V1;

namespace Outage.Host.Tests;

/// <summary>Catalog management through AdminService: changes take effect at once, without a restart.</summary>
public class CatalogTests(KeyedHostFactory host) : IClassFixture<KeyedHostFactory>
{
    private static readonly Metadata Operator = new() { { "authorization", "Bearer operator-key" } };
    private static readonly Metadata Partner = new() { { "authorization", "Bearer partner-key" } };

    private AdminService.AdminServiceClient Admin() => new(host.Channel());

    private static Service NewService(string id, int minDistinctReporters = 0) => new()
    {
        ServiceId = id, DisplayName = "Service " + id, Owner = "test-owner", Categories = { "login", "posting" },
        MinDistinctReporters = minDistinctReporters,
    };

    private Task<StatusCode> SubmitAsync(string service, string category) => Reports.CodeOf(() =>
        host.Intake().SubmitReportAsync(new SubmitReportRequest { Report = Reports.Valid(host, service, "NZ", category) }, Partner).ResponseAsync);

    private async Task<Service?> ListedAsync(string id) =>
        (await host.Query().ListServicesAsync(new ListServicesRequest(), Partner)).Services.SingleOrDefault(s => s.ServiceId == id);

    [Fact]
    public async Task AServiceCreatedTakesReportsAtOnceAndDeletedRefusesThem()
    {
        Assert.Equal(StatusCode.InvalidArgument, await SubmitAsync("bluesky", "posting"));

        var created = await Admin().CreateServiceAsync(new CreateServiceRequest { Service = NewService("bluesky") }, Operator);

        Assert.Equal(10, created.Service.MinDistinctReporters); // 0 asks for the default
        Assert.Equal("Service bluesky", (await ListedAsync("bluesky"))?.DisplayName);
        Assert.Equal(StatusCode.OK, await SubmitAsync("bluesky", "posting"));
        Assert.Equal(StatusCode.AlreadyExists, await Reports.CodeOf(() => Admin().CreateServiceAsync(new CreateServiceRequest { Service = NewService("bluesky") }, Operator).ResponseAsync));

        await Admin().DeleteServiceAsync(new DeleteServiceRequest { ServiceId = "bluesky" }, Operator);

        Assert.Null(await ListedAsync("bluesky"));
        Assert.Equal(StatusCode.InvalidArgument, await SubmitAsync("bluesky", "posting"));
        Assert.Equal(StatusCode.NotFound, await Reports.CodeOf(() => Admin().DeleteServiceAsync(new DeleteServiceRequest { ServiceId = "bluesky" }, Operator).ResponseAsync));
    }

    [Fact]
    public async Task AnUpdateReplacesOnlyTheFieldsOfItsMask()
    {
        await Admin().CreateServiceAsync(new CreateServiceRequest { Service = NewService("mastodon") }, Operator);
        var update = new UpdateServiceRequest
        {
            Service = new Service { ServiceId = "mastodon", Categories = { "login", "timeline" } },
            UpdateMask = new FieldMask { Paths = { "categories" } },
        };

        var updated = await Admin().UpdateServiceAsync(update, Operator);

        Assert.Equal(["login", "timeline"], updated.Service.Categories);
        Assert.Equal("Service mastodon", updated.Service.DisplayName); // not in the mask: kept
        Assert.Equal(StatusCode.InvalidArgument, await SubmitAsync("mastodon", "posting"));
        Assert.Equal(StatusCode.OK, await SubmitAsync("mastodon", "timeline"));
        update.Service.ServiceId = "no-such-service";
        Assert.Equal(StatusCode.NotFound, await Reports.CodeOf(() => Admin().UpdateServiceAsync(update, Operator).ResponseAsync));
    }

    [Fact]
    public async Task ABadServiceIsRefusedWithEveryFieldViolationAndChangesNothing()
    {
        var bad = new Service { ServiceId = "Blue Sky", DisplayName = "", Owner = "meta", Categories = { "login", "login" }, MinDistinctReporters = -1, FalseAlarmsPer30Days = double.NaN };

        var error = await Assert.ThrowsAsync<RpcException>(() => Admin().CreateServiceAsync(new CreateServiceRequest { Service = bad }, Operator).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var fields = error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field).ToList();
        Assert.Equal(["service.service_id", "service.display_name", "service.categories[1]", "service.min_distinct_reporters", "service.false_alarms_per_30_days"], fields);
        var mask = new UpdateServiceRequest { Service = NewService("facebook"), UpdateMask = new FieldMask { Paths = { "service_id" } } };
        Assert.Equal(StatusCode.InvalidArgument, await Reports.CodeOf(() => Admin().UpdateServiceAsync(mask, Operator).ResponseAsync));
        Assert.Equal("Facebook", (await ListedAsync("facebook"))?.DisplayName);
    }

    [Fact]
    public async Task CatalogChangesNeedTheAdminScope()
    {
        var reader = new Metadata { { "authorization", "Bearer reader-key" } };

        Assert.Equal(StatusCode.PermissionDenied, await Reports.CodeOf(() => Admin().CreateServiceAsync(new CreateServiceRequest { Service = NewService("nope") }, reader).ResponseAsync));
        Assert.Equal(StatusCode.Unauthenticated, await Reports.CodeOf(() => Admin().DeleteServiceAsync(new DeleteServiceRequest { ServiceId = "facebook" }).ResponseAsync));
        Assert.Null(await ListedAsync("nope"));
    }

    [Fact]
    public async Task ALiveSeriesTakesUpNewDetectionSettingsWithoutARestart()
    {
        // So many distinct reporters needed that no surge here can be an outage.
        await Admin().CreateServiceAsync(new CreateServiceRequest { Service = NewService("surgetest", minDistinctReporters: 100_000) }, Operator);
        var intake = host.Intake();
        async Task<DisruptionLevel> SurgeAsync(int reports)
        {
            var batch = new SubmitReportsRequest();
            batch.Reports.AddRange(Enumerable.Range(0, reports).Select(_ => Reports.Valid(host, "surgetest", "NZ", "login")));
            await intake.SubmitReportsAsync(batch, Partner);
            return (await host.Query().GetStatusAsync(new GetStatusRequest { ServiceId = "surgetest", Region = "NZ" }, Partner)).Status.Level;
        }

        Assert.Equal(DisruptionLevel.Normal, await SurgeAsync(1000));
        Assert.Equal(DisruptionLevel.Normal, await SurgeAsync(1000)); // previewed again: still held back by the setting

        await Admin().UpdateServiceAsync(new UpdateServiceRequest
        {
            Service = new Service { ServiceId = "surgetest", MinDistinctReporters = 10 },
            UpdateMask = new FieldMask { Paths = { "min_distinct_reporters" } },
        }, Operator);

        // The series takes the setting up on its next timer tick (a second), keeping its counts.
        Assert.True(await Reports.Eventually(async () => await SurgeAsync(50) >= DisruptionLevel.Disrupted));

        // The incident opens when the surging minute closes. Then the owner speaks: the statement lands on the
        // open incident, which shows it with its acknowledgement lag.
        host.Clock.Advance(TimeSpan.FromMinutes(4));
        Assert.True(await Reports.Eventually(async () =>
            (await host.Query().ListDisruptionsAsync(new ListDisruptionsRequest { ServiceId = "surgetest" }, Partner)).Disruptions.Any(d => d.IncidentId.Length > 0)));
        var posted = await Admin().PostStatementAsync(new PostStatementRequest { ServiceId = "surgetest", Text = "We are looking into it." }, Operator);
        Assert.NotEqual("", posted.Statement.IncidentId);
        var incident = (await host.Query().GetIncidentAsync(new GetIncidentRequest { IncidentId = posted.Statement.IncidentId }, Partner)).Incident;
        Assert.Equal("We are looking into it.", incident.Statements.Single().Text);
        Assert.Equal(posted.Statement.PostedTime.ToDateTimeOffset() - incident.DetectedTime.ToDateTimeOffset(), incident.AcknowledgementLag.ToTimeSpan());
        Assert.True(incident.AcknowledgementLag.ToTimeSpan() > TimeSpan.Zero);
    }
}
