using Outage.Detection;
using Outage.Grains.Abstractions;

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

    [Fact]
    public async Task StatementsAreAttachedToTheIncidentWhichShowsTheLagAndItsParentShowsThemToo()
    {
        // "discord" and "telegram" are used by no other test. Two incidents of one owner detected together are grouped.
        var log = fixture.Grains.GetGrain<IIncidentLogGrain>(0);
        IncidentView Incident(string service) => new()
        {
            Id = $"{service}@test", Owner = "chat", Services = [service], Regions = [""], Onset = Detected.AddMinutes(-3), DetectedAt = Detected,
            PeakLevel = DisruptionLevel.Outage, PeakReports = 500,
        };
        await log.RecordAsync(Incident("discord"));
        await log.RecordAsync(Incident("telegram") with { DetectedAt = Detected.AddMinutes(1) });
        var feed = fixture.Grains.GetGrain<IStatusFeedGrain>(0);
        await feed.PublishAsync(new SeriesStatusView
        {
            ServiceId = "discord", Region = "", Level = DisruptionLevel.Outage, Since = Detected, AssessedAt = Detected, IncidentId = "discord@test",
        }, DisruptionLevel.Normal);

        var onCurrent = await feed.PostStatementAsync(new StatementView { ServiceId = "discord", Text = "Looking into it.", PostedAt = Detected.AddMinutes(12) });
        var named = await feed.PostStatementAsync(new StatementView { ServiceId = "telegram", Text = "Us too.", PostedAt = Detected.AddMinutes(20), IncidentId = "telegram@test" });

        Assert.Equal("discord@test", onCurrent.IncidentId); // the worldwide series' open incident
        var discord = (await log.GetAsync("discord@test"))!;
        Assert.Equal(["Looking into it."], discord[0].Statements.Select(s => s.Text));
        Assert.Equal(TimeSpan.FromMinutes(12), discord[0].AcknowledgementLag);
        Assert.Equal(TimeSpan.FromMinutes(19), (await log.GetAsync(named.IncidentId))![0].AcknowledgementLag);
        var parentId = discord[0].ParentId;
        Assert.NotEqual("", parentId);
        var parent = (await log.GetAsync(parentId))![0];
        Assert.Equal(["Us too.", "Looking into it."], parent.Statements.Select(s => s.Text));
        Assert.Equal(TimeSpan.FromMinutes(12), parent.AcknowledgementLag);
        Assert.False(await log.AttachStatementAsync(onCurrent with { IncidentId = "no-such-incident" }));
    }
}
