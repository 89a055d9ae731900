using Outage.Detection.Incidents;

namespace Outage.Detection.Tests;

public class IncidentTests
{
    private static readonly DateTimeOffset T0 = new(2021, 10, 4, 15, 40, 0, TimeSpan.Zero);

    private static SeriesIncident Incident(string service, string region, string owner, DateTimeOffset detected, DateTimeOffset? closed = null) =>
        new($"{service}/{region}@{detected:HHmm}", new SeriesKey(service, region), owner, detected.AddMinutes(-2), detected,
            DisruptionLevel.Outage, 100, detected, 50, [], null, closed);

    [Fact]
    public void FamilyIncidentsStartingTogetherShareOneParent()
    {
        var correlator = new IncidentCorrelator(IncidentCorrelator.DefaultWindow);

        var groups = new[]
        {
            correlator.Observe(Incident("facebook", "US", "meta", T0)),
            correlator.Observe(Incident("instagram", "US", "meta", T0.AddMinutes(2))),
            correlator.Observe(Incident("whatsapp", "DE", "meta", T0.AddMinutes(5))),
            correlator.Observe(Incident("messenger", "NL", "meta", T0.AddMinutes(12))), // within 10 min of the latest member
        };

        Assert.Single(groups.Select(g => g.Id).Distinct());
        var parent = groups[^1];
        Assert.Equal(["facebook", "instagram", "whatsapp", "messenger"], parent.Services);
        Assert.Equal(["US", "DE", "NL"], parent.Regions);
        Assert.True(parent.IsOpen);
    }

    [Fact]
    public void OtherOwnersAndLateIncidentsFormTheirOwnGroups()
    {
        var correlator = new IncidentCorrelator(IncidentCorrelator.DefaultWindow);

        var meta = correlator.Observe(Incident("facebook", "US", "meta", T0));
        var x = correlator.Observe(Incident("x", "US", "x", T0.AddMinutes(1)));
        var late = correlator.Observe(Incident("instagram", "US", "meta", T0.AddMinutes(30)));

        Assert.NotEqual(meta.Id, x.Id);
        Assert.NotEqual(meta.Id, late.Id);
    }

    [Fact]
    public void AGroupsIdIsNeverItsFirstMembersId()
    {
        // The worldwide series of "x" (owner "x"): its incident id is "x@<detection time>", as a group's once was.
        var world = new SeriesIncident($"x@{T0.UtcDateTime:yyyyMMddTHHmmss}", new SeriesKey("x", ""), "x", T0.AddMinutes(-2), T0,
            DisruptionLevel.Outage, 100, T0, 50, [], null, null);

        var group = new IncidentCorrelator(IncidentCorrelator.DefaultWindow).Observe(world);

        Assert.NotEqual(world.Id, group.Id);
    }

    [Fact]
    public void AGroupClosesWhenItsLastMemberCloses()
    {
        var correlator = new IncidentCorrelator(IncidentCorrelator.DefaultWindow);
        var fb = Incident("facebook", "US", "meta", T0);
        var ig = Incident("instagram", "US", "meta", T0.AddMinutes(1));
        correlator.Observe(fb);
        correlator.Observe(ig);

        var afterFirst = correlator.Observe(fb with { ClosedAt = T0.AddHours(6) });
        var afterSecond = correlator.Observe(ig with { ClosedAt = T0.AddHours(7) });

        Assert.True(afterFirst.IsOpen);
        Assert.Equal(T0.AddHours(7), afterSecond.ClosedAt);
        Assert.Empty(correlator.OpenGroups);
    }

    [Fact]
    public void TrackerOpensTracksThePeakAndCloses()
    {
        var detector = new SeriesDetector(new DetectorSettings());
        var tracker = new IncidentTracker(new SeriesKey("facebook", "US"), "meta");
        TestSeries.Run(detector, TestSeries.Start, 7 * 1440, perMinute: 5);
        var onset = TestSeries.Start.AddDays(7).AddHours(12);
        var updates = TestSeries.Run(detector, TestSeries.Start.AddDays(7), 1440, perMinute: 5, t => t >= onset && t < onset.AddHours(2) ? 40 : 1)
            .Select(tracker.Observe).OfType<SeriesIncident>().ToList();

        var final = updates[^1];
        Assert.False(final.IsOpen);
        Assert.Equal(DisruptionLevel.Outage, final.PeakLevel);
        Assert.InRange(final.Onset, onset.AddMinutes(-5), onset.AddMinutes(5));
        Assert.True(final.PeakCount > 15 * 5 * 10);
        Assert.NotNull(final.RecoveringSince);
        Assert.Single(updates.Select(u => u.Id).Distinct());
    }
}
