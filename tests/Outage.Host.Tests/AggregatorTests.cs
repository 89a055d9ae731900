using Microsoft.Extensions.DependencyInjection;
using Outage.Contracts.V1;
using Outage.Grains;
using Outage.Host.Ingest;

namespace Outage.Host.Tests;

/// <summary>A host whose aggregator never flushes on its timer: only shutdown (or a full batch) hands reports over.</summary>
public sealed class NeverFlushingHostFactory : OutageHostFactory
{
    protected override string FlushInterval => "01:00:00";
}

public class AggregatorTests : IClassFixture<NeverFlushingHostFactory>
{
    private readonly NeverFlushingHostFactory _host;

    public AggregatorTests(NeverFlushingHostFactory host) => _host = host;

    [Fact]
    public async Task StoppingTheAggregatorHandsOverEveryPendingReport()
    {
        var aggregator = _host.Services.GetRequiredService<ReportAggregator>();
        var hasher = _host.Services.GetRequiredService<ReportHasher>();
        var pending = Enumerable.Range(0, 700)
            .Select(i => aggregator.SubmitAsync("verizon/US-NY", new IngestItem(hasher.ReportId($"r{i}"), hasher.Device($"d{i}"), "calls")))
            .ToList();
        await Task.Delay(200);
        Assert.All(pending, t => Assert.False(t.IsCompleted));

        await aggregator.StopAsync(CancellationToken.None);

        var outcomes = await Task.WhenAll(pending);
        Assert.All(outcomes, o => Assert.Equal(IngestOutcome.Accepted, o));
        var timeline = await _host.Query().GetTimelineAsync(new GetTimelineRequest { ServiceId = "verizon", Region = "US-NY" });
        Assert.Equal(700, timeline.Buckets.Sum(b => b.Reports));
    }
}
