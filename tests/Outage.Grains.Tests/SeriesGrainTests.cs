using System.Collections.Concurrent;
using Orleans.Runtime;
using Outage.Detection;
using Outage.Grains.Abstractions;

namespace Outage.Grains.Tests;

[Collection(ClusterCollection.Name)]
public class SeriesGrainTests(ClusterFixture fixture)
{
    private static ulong _next = 1;

    private static IngestItem[] Items(int count, string category = "login") =>
        Enumerable.Range(0, count).Select(_ => new IngestItem(Interlocked.Increment(ref _next), Interlocked.Increment(ref _next), category)).ToArray();

    private ISeriesGrain Series(string key) => fixture.Grains.GetGrain<ISeriesGrain>(key);

    private static async Task<int> CountAsync(ISeriesGrain series) => (await series.GetTimelineAsync(TimeSpan.FromHours(24))).Sum(p => p.Reports);

    /// <summary>The value of <paramref name="read"/> once it equals <paramref name="expected"/>, or its last value after 10 s.</summary>
    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, T expected)
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        var value = await read();
        while (!EqualityComparer<T>.Default.Equals(value, expected) && DateTime.UtcNow < until)
        {
            await Task.Delay(50);
            value = await read();
        }

        return value;
    }

    [Fact]
    public async Task CountsRollUpFromSubdivisionToCountryToWorld()
    {
        await Series("youtube/BR-SP").IngestAsync(Items(5));
        await Series("youtube/BR-RJ").IngestAsync(Items(3));

        Assert.Equal(5, await CountAsync(Series("youtube/BR-SP")));
        // Roll-ups travel in batches, on the series' timer at the latest (a second).
        Assert.Equal(8, await EventuallyAsync(() => CountAsync(Series("youtube/BR")), 8));
        Assert.Equal(8, await EventuallyAsync(() => CountAsync(Series("youtube")), 8));
    }

    [Fact]
    public async Task ATimelineShowsEveryBucketOfAQuietSpellAsAnEmptyBucket()
    {
        var series = Series("steam/CL");
        await series.IngestAsync(Items(4));
        ClusterFixture.Clock.Advance(TimeSpan.FromMinutes(10)); // nobody calls; its timer may sleep
        await series.IngestAsync(Items(2));

        var points = await series.GetTimelineAsync(TimeSpan.FromHours(1));
        Assert.Equal(6, points.Sum(p => p.Reports));
        Assert.Equal(11, points.Length); // the first bucket, nine empty ones, the open one
        Assert.All(points.Zip(points.Skip(1)), pair => Assert.Equal(TimeSpan.FromMinutes(1), pair.Second.Start - pair.First.Start));
    }

    [Fact]
    public async Task DedupeAndIdempotencySurviveDeactivation()
    {
        var items = Items(20);
        var first = (await Series("gmail/AR").IngestAsync(items)).Value;

        await fixture.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        var retried = (await Series("gmail/AR").IngestAsync(items)).Value;
        var sameDevicesNewIds = (await Series("gmail/AR").IngestAsync(items.Select(i => i with { ReportId = i.ReportId + 1_000_000_000 }).ToArray())).Value;

        Assert.All(first, o => Assert.Equal(IngestOutcome.Accepted, o));
        Assert.All(retried, o => Assert.Equal(IngestOutcome.Duplicate, o));
        Assert.All(sameDevicesNewIds, o => Assert.Equal(IngestOutcome.DeviceAlreadyCounted, o));
        Assert.Equal(20, await CountAsync(Series("gmail/AR")));
    }

    [Fact]
    public async Task SurgesOnSeriesAcrossBothSilosReachTheFeedAndItsObservers()
    {
        var observer = new RecordingObserver();
        var reference = fixture.Grains.CreateObjectReference<IStatusObserver>(observer);
        var feed = fixture.Grains.GetGrain<IStatusFeedGrain>(0);
        await feed.SubscribeAsync(reference);
        var keys = new[] { "steam/AT", "steam/BE", "steam/CH", "steam/ES", "steam/IE", "steam/IT", "steam/PT", "steam/GR", "steam/RO", "steam/BG", "steam/HR", "steam/SK" };

        await Task.WhenAll(keys.Select(k => Series(k).IngestAsync(Items(500, "store"))));

        var snapshot = await feed.GetSnapshotAsync();
        Assert.All(keys, k => Assert.Contains(snapshot.Disruptions, d => d.Series.ToString() == k && d.Level >= DisruptionLevel.Disrupted));
        Assert.True(SpinWait.SpinUntil(() => keys.All(k => observer.Changes.Any(c => c.Status.Series.ToString() == k)), TimeSpan.FromSeconds(5)));
        var silos = (await fixture.Grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics())
            .Where(s => s.GrainType.Contains(nameof(SeriesGrain), StringComparison.Ordinal))
            .Select(s => s.SiloAddress).Distinct().Count();
        Assert.True(silos == 2, $"series activations on {silos} silo(s)");
        await feed.UnsubscribeAsync(reference);
    }

    [Fact]
    public async Task AFamilyOutageIsGroupedUnderOneParentIncident()
    {
        await Task.WhenAll(Series("facebook/MX").IngestAsync(Items(800)), Series("instagram/MX").IngestAsync(Items(300)), Series("whatsapp/MX").IngestAsync(Items(300, "messages")));

        ClusterFixture.Clock.Advance(TimeSpan.FromMinutes(1));
        foreach (var key in new[] { "facebook/MX", "instagram/MX", "whatsapp/MX", "facebook", "instagram", "whatsapp" })
        {
            await Series(key).GetStatusAsync();
        }

        var incidents = await fixture.Grains.GetGrain<IIncidentLogGrain>(0).ListAsync("", "meta", openOnly: true, 10);
        var parent = incidents.Single(i => i.Regions.Contains("MX"));
        Assert.Equal(["facebook", "instagram", "whatsapp"], parent.Services.Order());
        var detail = await fixture.Grains.GetGrain<IIncidentLogGrain>(0).GetAsync(parent.Id);
        Assert.Equal(6, detail!.Length - 1);
    }

    /// <summary>
    /// A series in an OUTAGE is not called for three hours (it fell behind under load, or its silo died and it came back
    /// later): the incident ends in the buckets the series fills in for the gap, and must be closed, in the series' status
    /// and in the incident log, by the first bucket after it. Before the fix the series was NORMAL with its incident still
    /// open, its logged copy stripped of "recovering", and the family incident above it never closed.
    /// </summary>
    [Fact]
    public async Task AnIncidentThatEndsWhileTheSeriesWasNotCalledIsClosed()
    {
        var series = Series("gmail/EG");
        await series.IngestAsync(Items(800));
        ClusterFixture.Clock.Advance(TimeSpan.FromMinutes(1));
        var during = await series.GetStatusAsync();
        Assert.True(during.Level == DisruptionLevel.Outage && during.IncidentId.Length > 0, $"{during.Level} '{during.IncidentId}'");

        ClusterFixture.Clock.Advance(TimeSpan.FromHours(3));
        await series.IngestAsync(Items(1));
        ClusterFixture.Clock.Advance(TimeSpan.FromMinutes(1));
        var after = await series.GetStatusAsync();

        Assert.Equal(DisruptionLevel.Normal, after.Level);
        Assert.Equal("", after.IncidentId);
        var logged = (await fixture.Grains.GetGrain<IIncidentLogGrain>(0).GetAsync(during.IncidentId))!.Single(i => i.Id == during.IncidentId);
        Assert.False(logged.IsOpen);
        Assert.NotNull(logged.RecoveringSince);
    }

    /// <summary>
    /// A new country of a service whose worldwide series knows its level, at full volume from its first minute: when the
    /// world's total stays at its usual level (the traffic was there all along, now reported apart), the new series is not
    /// an OUTAGE; when the world sees the new reports as a surge, it is. Before the parent's reading, both were OUTAGEs at
    /// birth; and the world, born with its first countries, took their first minute for an OUTAGE.
    /// </summary>
    [Fact]
    public async Task ANewRegionAtFullVolumeIsJudgedByWhatItsParentSees()
    {
        // Forty minutes of discord in Japan and Korea, 280 reports a minute each: the worldwide series, born with them, learns
        // 560 a minute from their first minute on (each young country passes on what it sees while it judges that NORMAL).
        var clock = ClusterFixture.Clock;
        clock.Advance(TimeSpan.FromMinutes(1) - TimeSpan.FromTicks(clock.GetUtcNow().Ticks % TimeSpan.TicksPerMinute)); // a minute's start
        var worldWorst = DisruptionLevel.Normal;
        for (var minute = 0; minute < 40; minute++)
        {
            clock.Advance(TimeSpan.FromSeconds(50));
            await Task.WhenAll(Series("discord/JP").IngestAsync(Items(280)), Series("discord/KR").IngestAsync(Items(280)));
            var world = (await Series("discord").GetStatusAsync()).Level;
            worldWorst = world > worldWorst ? world : worldWorst;
            clock.Advance(TimeSpan.FromSeconds(10));
        }

        Assert.Equal(DisruptionLevel.Normal, worldWorst); // no false OUTAGE at the world's birth either

        clock.Advance(TimeSpan.FromSeconds(50));
        await Task.WhenAll(Series("discord/JP").IngestAsync(Items(80)), Series("discord/KR").IngestAsync(Items(80)));
        Assert.Equal(DisruptionLevel.Normal, (await Series("discord").GetStatusAsync()).Level);

        // The traffic moves: 400 a minute now come as China, the world's total stays at 560.
        await Series("discord/CN").IngestAsync(Items(400));
        var cn = await Series("discord/CN").GetStatusAsync();
        var w = await Series("discord").GetStatusAsync();
        Assert.True(cn.Level == DisruptionLevel.Normal, $"CN {cn.Level} {cn.Observed}/{cn.Expected}; world {w.Level} {w.Observed}/{w.Expected}");

        // New traffic: 400 a minute more as Taiwan, on top of everything the world usually sees.
        await Series("discord/TW").IngestAsync(Items(400));
        Assert.Equal(DisruptionLevel.Outage, (await Series("discord/TW").GetStatusAsync()).Level);
    }

    private sealed class RecordingObserver : IStatusObserver
    {
        public ConcurrentQueue<StatusChange> Changes { get; } = new();

        public void OnStatusChanged(StatusChange change) => Changes.Enqueue(change);
    }
}
