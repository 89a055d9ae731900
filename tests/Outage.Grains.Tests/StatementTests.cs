using Outage.Detection;

namespace Outage.Grains.Tests;

[Collection(ClusterCollection.Name)]
public class StatementTests(ClusterFixture fixture)
{
    private static readonly DateTimeOffset Detected = new(2026, 10, 4, 15, 42, 0, TimeSpan.Zero);

    [Fact]
    public async Task TheFirstStatementDuringADisruptionRecordsTheAcknowledgementLag()
    {
        var feed = fixture.Grains.GetGrain<IStatusFeedGrain>(0);
        // "threads" is used by no other test: its disruption and statements are this test's own.
        await feed.PublishAsync(new SeriesStatusView
        {
            ServiceId = "threads", Region = "US", Level = DisruptionLevel.Outage, Since = Detected.AddMinutes(2), AssessedAt = Detected.AddMinutes(3), IncidentId = "threads/US@1",
        }, DisruptionLevel.Normal);
        await feed.PublishAsync(new SeriesStatusView
        {
            ServiceId = "threads", Region = "", Level = DisruptionLevel.Disrupted, Since = Detected, AssessedAt = Detected.AddMinutes(3), IncidentId = "threads@1",
        }, DisruptionLevel.Normal);

        var first = await feed.PostStatementAsync(new StatementView { ServiceId = "threads", Text = "We're aware some people are having trouble.", PostedAt = Detected.AddMinutes(37) });
        var second = await feed.PostStatementAsync(new StatementView { ServiceId = "threads", Text = "Fixed.", PostedAt = Detected.AddHours(6) });

        Assert.Equal(TimeSpan.FromMinutes(37), first.AcknowledgementLag); // from the earliest series to leave NORMAL
        Assert.Equal("threads@1", first.IncidentId);
        Assert.Null(second.AcknowledgementLag);
        var snapshot = await feed.GetSnapshotAsync();
        Assert.Equal(["Fixed.", "We're aware some people are having trouble."], snapshot.Statements.Where(s => s.ServiceId == "threads").Select(s => s.Text));
    }

    [Fact]
    public async Task AStatementWithNoDisruptionHasNoLag()
    {
        var posted = await fixture.Grains.GetGrain<IStatusFeedGrain>(0).PostStatementAsync(new StatementView { ServiceId = "gmail", Text = "Maintenance tonight.", PostedAt = Detected });

        Assert.Null(posted.AcknowledgementLag);
        Assert.Equal("", posted.IncidentId);
    }
}
