using Outage.Detection;
using Microsoft.Extensions.DependencyInjection;
using Outage.Contracts.V1;
using Outage.Grains;
using Outage.Grains.Abstractions;
using Outage.Host.Ingest;

namespace Outage.Host.Tests;

/// <summary>A host of its own: the test stops its aggregator.</summary>
public sealed class AggregatorHostFactory : OutageHostFactory;

public class AggregatorTests : IClassFixture<AggregatorHostFactory>
{
    private readonly AggregatorHostFactory _host;

    public AggregatorTests(AggregatorHostFactory host) => _host = host;

    [Fact]
    public async Task StoppingTheAggregatorHandsOverEveryQueuedReportFirst()
    {
        var aggregator = _host.Services.GetRequiredService<ReportAggregator>();
        var hasher = _host.Services.GetRequiredService<ReportHasher>();
        // Queued from many threads at once, so that they form batches behind the first call.
        var pending = Enumerable.Range(0, 7_000).AsParallel()
            .Select(i =>
            {
                var (report, device) = hasher.Keys($"d{i}", $"r{i}");
                return aggregator.SubmitAsync(new SeriesKey("verizon", "US-NY"), new IngestItem(report, device, "calls"));
            })
            .ToList();

        await aggregator.StopAsync(CancellationToken.None);

        // Checked the moment StopAsync completes: it must have waited for every queued report.
        Assert.All(pending, t => Assert.True(t.IsCompletedSuccessfully));
        Assert.All(pending, t => Assert.Equal(IngestOutcome.Accepted, t.Result));
        var timeline = await _host.Query().GetTimelineAsync(new GetTimelineRequest { ServiceId = "verizon", Region = "US-NY" });
        Assert.Equal(7_000, timeline.Buckets.Sum(b => b.Reports));
    }
}
