using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using Outage.Contracts.V1;

namespace Outage.Host.Tests;

/// <summary>The whole way of an outage through the real host: reports in, detection, watch, incidents, recovery.</summary>
[Collection(HostCollection.Name)]
public class OutageLifecycleTests(OutageHostFactory host)
{
    private sealed record Seen(WatchStatusResponse Message, TimeSpan At);

    private async Task SubmitAsync(string service, string region, int count, string category)
    {
        foreach (var chunk in Enumerable.Range(0, count).Chunk(500))
        {
            var request = new SubmitReportsRequest();
            request.Reports.AddRange(chunk.Select(_ => Reports.Valid(host, service, region, category)));
            var response = await host.Intake().SubmitReportsAsync(request);
            Assert.All(response.Results, r => Assert.Equal(ReportOutcome.Accepted, r.Outcome));
        }
    }

    private async Task<SeriesStatus> StatusAsync(string service, string region) =>
        (await host.Query().GetStatusAsync(new GetStatusRequest { ServiceId = service, Region = region })).Status;

    [Fact]
    public async Task AColdStartSurgeIsDetectedWatchedGroupedAndRecovers()
    {
        var clock = Stopwatch.StartNew();
        var seen = new ConcurrentQueue<Seen>();
        using var watchCancel = new CancellationTokenSource();
        using var watch = host.Query().WatchStatus(new WatchStatusRequest(), cancellationToken: watchCancel.Token);
        var reader = Task.Run(async () =>
        {
            try
            {
                await foreach (var message in watch.ResponseStream.ReadAllAsync(watchCancel.Token))
                {
                    seen.Enqueue(new Seen(message, clock.Elapsed));
                }
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled)
            {
            }
        });

        // 2,000 reports from 2,000 devices on a series with no history, within 10 seconds.
        var submitStart = clock.Elapsed;
        await SubmitAsync("facebook", "GB", 2000, "login");
        await SubmitAsync("instagram", "GB", 400, "login");
        var submitted = clock.Elapsed;
        Assert.True(submitted - submitStart < TimeSpan.FromSeconds(10), $"submitting took {submitted - submitStart}");

        Assert.True(await Reports.Eventually(async () => (await StatusAsync("facebook", "GB")).Level >= DisruptionLevel.Disrupted, 60));
        Assert.True(await Reports.Eventually(() => Task.FromResult(seen.Any(s => IsFacebookGb(s) && s.Message.Status.Level >= DisruptionLevel.Disrupted)), 5));
        var firstDisrupted = seen.First(s => IsFacebookGb(s) && s.Message.Status.Level >= DisruptionLevel.Disrupted);
        Assert.True(firstDisrupted.At - submitted < TimeSpan.FromSeconds(1), $"watch saw it {firstDisrupted.At - submitted} after the last report");
        Assert.Equal("login", firstDisrupted.Message.Status.Explanation.TopCategories[0].Category);
        Assert.Equal(DisruptionLevel.Normal, (await StatusAsync("gmail", "GB")).Level);

        // The worldwide series sees the country's reports as roll-ups, which travel on the country's timer at the latest
        // (a second), so it may be listed a moment after the country. (Two CI runs, under the load of the other test
        // projects, listed the world late: one not within 5 s. Not reproduced locally; the message says what the world saw.)
        ListDisruptionsResponse disruptions = new();
        Assert.True(await Reports.Eventually(async () =>
        {
            disruptions = await host.Query().ListDisruptionsAsync(new ListDisruptionsRequest { Owner = "meta" });
            return disruptions.Disruptions.Any(d => d.ServiceId == "facebook" && d.Region == "");
        }, 15), $"no worldwide facebook disruption listed: {disruptions}; the world's status: {await StatusAsync("facebook", "")}");
        Assert.Contains(disruptions.Disruptions, d => d.ServiceId == "facebook" && d.Region == "GB");
        Assert.True(disruptions.Disruptions.Select(d => (int)d.Level).SequenceEqual(disruptions.Disruptions.Select(d => (int)d.Level).OrderDescending()));

        // Close the minute: incidents open and the family correlator groups them.
        await AdvanceAsync(1);
        var incidents = await host.Query().ListIncidentsAsync(new ListIncidentsRequest { Owner = "meta", OpenOnly = true });
        var parent = Assert.Single(incidents.Incidents);
        Assert.Equal(["facebook", "instagram"], parent.ServiceIds.Order());
        var detail = await host.Query().GetIncidentAsync(new GetIncidentRequest { IncidentId = parent.IncidentId });
        Assert.True(detail.Members.Count >= 3, $"members: {string.Join(", ", detail.Members.Select(m => m.IncidentId))}");
        Assert.All(detail.Members, m => Assert.Equal(parent.IncidentId, m.ParentIncidentId));
        var middle = seen.Last().Message.Sequence;

        // No more reports: the series recover after counts stay near the baseline.
        for (var minute = 0; minute < 45 && (await StatusAsync("facebook", "GB")).Level != DisruptionLevel.Normal; minute++)
        {
            await AdvanceAsync(1);
        }

        Assert.Equal(DisruptionLevel.Normal, (await StatusAsync("facebook", "GB")).Level);
        Assert.True(await Reports.Eventually(() => Task.FromResult(seen.Any(s => IsFacebookGb(s) && s.Message.Status.Level == DisruptionLevel.Normal)), 5));
        var facebookGb = seen.Where(IsFacebookGb).Select(s => s.Message).ToList();
        Assert.Contains(facebookGb, m => m.Status.Explanation.Recovering && m.Status.Level != DisruptionLevel.Normal);
        Assert.True(facebookGb.Select(m => m.Sequence).SequenceEqual(facebookGb.Select(m => m.Sequence).Order()));
        watchCancel.Cancel();
        await reader;

        // A client that reconnects with its last sequence number gets every change after it.
        using var resumed = host.Query().WatchStatus(new WatchStatusRequest { ServiceId = "facebook", Region = "GB", AfterSequence = middle });
        var replayed = new List<WatchStatusResponse>();
        using var replayCancel = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        try
        {
            await foreach (var message in resumed.ResponseStream.ReadAllAsync(replayCancel.Token))
            {
                replayed.Add(message);
            }
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled)
        {
        }

        var expected = facebookGb.Where(m => m.Sequence > middle).Select(m => m.Sequence).ToList();
        Assert.Equal(expected, replayed.Where(m => m.Status is not null).Select(m => m.Sequence));
        Assert.All(replayed, m => Assert.False(m.Snapshot));
        // The replay ends with the marker that says the client is up to date.
        Assert.Single(replayed, m => m.SnapshotComplete);
        Assert.True(replayed.First(m => m.SnapshotComplete).Sequence >= expected[^1]);
    }

    private static bool IsFacebookGb(Seen s) => s.Message.Status?.ServiceId == "facebook" && s.Message.Status.Region == "GB";

    /// <summary>Moves the product clock and lets every active series close its buckets.</summary>
    private async Task AdvanceAsync(int minutes)
    {
        host.Clock.Advance(TimeSpan.FromMinutes(minutes));
        foreach (var (service, region) in new[] { ("facebook", "GB"), ("facebook", ""), ("instagram", "GB"), ("instagram", "") })
        {
            await StatusAsync(service, region);
        }
    }
}
