using Grpc.Core;
using Microsoft.AspNetCore.Hosting;
using Outage.Contracts.V1;

namespace Outage.Host.Tests;

/// <summary>A host whose watch streams send a heartbeat after one quiet second.</summary>
public sealed class QuickHeartbeatHostFactory : OutageHostFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Outage:Watch:HeartbeatInterval", "00:00:01");
    }
}

/// <summary>A watcher of a healthy system can tell "all is well" from "not connected yet".</summary>
public class WatchStreamTests(QuickHeartbeatHostFactory host) : IClassFixture<QuickHeartbeatHostFactory>
{
    [Fact]
    public async Task AWatcherOfAHealthySystemIsToldTheSnapshotIsCompleteThenHearsHeartbeats()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var watch = host.Query().WatchStatus(new WatchStatusRequest { ServiceId = "gmail" }, cancellationToken: cancel.Token);
        var stream = watch.ResponseStream;

        Assert.True(await stream.MoveNext(cancel.Token));
        var complete = stream.Current;
        Assert.True(complete.SnapshotComplete, "nothing is disrupted: the first message ends the (empty) snapshot");
        Assert.Null(complete.Status);

        var started = DateTime.UtcNow;
        Assert.True(await stream.MoveNext(cancel.Token));
        Assert.True(stream.Current.Heartbeat);
        Assert.Null(stream.Current.Status);
        Assert.Equal(complete.Sequence, stream.Current.Sequence);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(5));
    }
}
