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

    [Fact]
    public async Task AQuietSeriesQueueIsForgottenAfterTwoSweepsAndItsNextReportIsStillCounted()
    {
        using var host = new OutageHostFactory();
        var aggregator = host.Services.GetRequiredService<ReportAggregator>();
        var hasher = host.Services.GetRequiredService<ReportHasher>();
        var series = new SeriesKey("verizon", "US-TX");
        Task<IngestOutcome> Submit(int i)
        {
            var (report, device) = hasher.Keys($"quiet-d{i}", $"quiet-r{i}");
            return aggregator.SubmitAsync(series, new IngestItem(report, device, "calls"));
        }

        Assert.Equal(IngestOutcome.Accepted, await Submit(0));
        await aggregator.WhenDrainedAsync(); // the drain loop has let go of the queue (it outlives the answer by a moment)
        var before = aggregator.QueuedSeries;
        Assert.True(before >= 1);
        Assert.Equal(0, aggregator.SweepIdle()); // used since the last sweep: kept
        Assert.Equal(before, aggregator.SweepIdle()); // no report since: forgotten
        Assert.Equal(0, aggregator.QueuedSeries);

        // Reports racing a sweep: each lands in the queue the sweep kept or in a new one, none is lost.
        var submits = Enumerable.Range(1, 2_000).AsParallel().Select(i =>
        {
            if (i % 100 == 0)
            {
                aggregator.SweepIdle();
                aggregator.SweepIdle();
            }

            return Submit(i);
        }).ToList();
        var outcomes = await Task.WhenAll(submits);
        Assert.All(outcomes, o => Assert.Equal(IngestOutcome.Accepted, o));
        var timeline = await host.Query().GetTimelineAsync(new GetTimelineRequest { ServiceId = "verizon", Region = "US-TX" });
        Assert.Equal(2_001, timeline.Buckets.Sum(b => b.Reports));
    }
}
