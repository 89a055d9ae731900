using Grpc.Health.V1;
using Microsoft.Extensions.DependencyInjection;
using Outage.Host.Hosting;

namespace Outage.Host.Tests;

/// <summary>A host of its own: these tests mark it as shutting down.</summary>
public sealed class ReadinessHostFactory : OutageHostFactory;

public class ReadinessTests(ReadinessHostFactory host) : IClassFixture<ReadinessHostFactory>
{
    private async Task<HealthCheckResponse.Types.ServingStatus> StatusAsync(string service) =>
        (await new Health.HealthClient(host.Channel()).CheckAsync(new HealthCheckRequest { Service = service })).Status;

    [Fact]
    public async Task ReadinessTurnsFalseWhenShutdownBeginsWhileLivenessStaysTrue()
    {
        // Ready once the process holds its first copy of the catalog (within moments of starting).
        Assert.True(await Reports.Eventually(async () => await StatusAsync("ready") == HealthCheckResponse.Types.ServingStatus.Serving));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, await StatusAsync("live"));

        host.Services.GetRequiredService<ReadinessCheck>().MarkStopping();

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, await StatusAsync("ready"));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, await StatusAsync("live"));
        var http = host.CreateClient();
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/healthz/ready")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync("/healthz/live")).StatusCode);
    }
}
