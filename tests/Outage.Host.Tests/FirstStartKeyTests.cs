using Grpc.Core;
using Outage.Contracts.V1;

namespace Outage.Host.Tests;

/// <summary>
/// A host started with no key configured (the README's command) never leaves state-changing calls open: it makes an admin
/// key at first start, prints it once, keeps only its hash, and takes the same hash up again after a restart.
/// </summary>
public class FirstStartKeyTests
{
    private static Metadata Bearer(string key) => new() { { "authorization", "Bearer " + key } };

    /// <summary>Every state-changing RPC, each with a request that would succeed (or fail validation) if it got through.</summary>
    private static IEnumerable<(string Name, Func<AdminService.AdminServiceClient, Metadata?, Task> Call)> StateChangingCalls()
    {
        yield return ("PostStatement", (a, m) => a.PostStatementAsync(new PostStatementRequest { ServiceId = "facebook", Text = "We are looking into it." }, m).ResponseAsync);
        yield return ("CreateService", (a, m) => a.CreateServiceAsync(new CreateServiceRequest { Service = new Service { ServiceId = "bluesky", DisplayName = "Bluesky", Owner = "bluesky", Categories = { "posting" } } }, m).ResponseAsync);
        yield return ("UpdateService", (a, m) => a.UpdateServiceAsync(new UpdateServiceRequest { Service = new Service { ServiceId = "facebook", DisplayName = "Facebook!" }, UpdateMask = new() { Paths = { "display_name" } } }, m).ResponseAsync);
        yield return ("DeleteService", (a, m) => a.DeleteServiceAsync(new DeleteServiceRequest { ServiceId = "threads" }, m).ResponseAsync);
    }

    [Fact]
    public async Task WithNoKeyConfiguredEveryStateChangingCallIsRefusedWithoutTheKeyAndThePrintedKeyWorks()
    {
        await using var host = new OutageHostFactory();
        var admin = new AdminService.AdminServiceClient(host.Channel());
        // Reads and reports stay open.
        Assert.NotEmpty((await host.Query().ListServicesAsync(new ListServicesRequest())).Services);

        foreach (var (name, call) in StateChangingCalls())
        {
            Assert.True(StatusCode.Unauthenticated == await Reports.CodeOf(() => call(admin, null)), $"{name} without a key");
            Assert.True(StatusCode.Unauthenticated == await Reports.CodeOf(() => call(admin, Bearer("outage_admin_guessed"))), $"{name} with a wrong key");
        }

        var key = host.PrintedAdminKey;
        Assert.NotNull(key);
        Assert.DoesNotContain(key, File.ReadAllText(host.AdminKeyFile)); // only the hash is kept
        foreach (var (name, call) in StateChangingCalls())
        {
            Assert.True(StatusCode.OK == await Reports.CodeOf(() => call(admin, Bearer(key))), $"{name} with the printed key");
        }
    }

    [Fact]
    public async Task ARestartTakesUpTheSameKeyAndPrintsNothing()
    {
        var file = Path.Combine(Path.GetTempPath(), "outage-tests", Guid.NewGuid().ToString("N"), "admin-key.sha256");
        string key;
        await using (var first = new OutageHostFactory { AdminKeyFile = file })
        {
            _ = first.Server;
            key = first.PrintedAdminKey!;
            Assert.NotNull(key);
        }

        await using var second = new OutageHostFactory { AdminKeyFile = file };
        var admin = new AdminService.AdminServiceClient(second.Channel());

        Assert.Equal(StatusCode.OK, await Reports.CodeOf(() => admin.PostStatementAsync(new PostStatementRequest { ServiceId = "facebook", Text = "Resolved." }, Bearer(key)).ResponseAsync));
        Assert.Null(second.PrintedAdminKey);
        Assert.Contains("admin key created at first start", second.LogText);
    }

    [Fact]
    public async Task AKeyWithoutTheAdminScopeIsDeniedEveryStateChangingCall()
    {
        await using var host = new KeyedHostFactory();
        var admin = new AdminService.AdminServiceClient(host.Channel());

        foreach (var (name, call) in StateChangingCalls())
        {
            Assert.True(StatusCode.PermissionDenied == await Reports.CodeOf(() => call(admin, Bearer("reader-key"))), $"{name} with a read-only key");
            Assert.True(StatusCode.Unauthenticated == await Reports.CodeOf(() => call(admin, null)), $"{name} without a key");
        }

        Assert.Null(host.PrintedAdminKey); // configured keys decide: no first-start key
    }
}
