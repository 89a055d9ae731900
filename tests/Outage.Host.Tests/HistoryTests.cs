using Grpc.Core;
using Outage.Contracts.V1;
using static Outage.Host.Tests.NotificationHostFactory;

namespace Outage.Host.Tests;

/// <summary>Ninety days of daily summaries and paged incidents, after outages on two days a day apart (its own host: the test moves the clock by days).</summary>
public sealed class HistoryTests(NotificationHostFactory host) : IClassFixture<NotificationHostFactory>
{
    private async Task OutageUntilRecoveredAsync(string service, string region)
    {
        await host.SurgeAsync(service, region, 1500);
        Assert.True(await Reports.Eventually(async () => await host.LevelAsync(service, region) >= DisruptionLevel.Disrupted, 60), "no disruption");
        for (var minute = 0; minute < 180 && await host.LevelAsync(service, region) != DisruptionLevel.Normal; minute++)
        {
            await host.AdvanceAsync(TimeSpan.FromMinutes(1), (service, region));
        }

        Assert.Equal(DisruptionLevel.Normal, await host.LevelAsync(service, region));
    }

    private async Task<GetHistoryResponse> HistoryAsync(string service, string region, int days, Metadata key) =>
        await host.Query().GetHistoryAsync(new GetHistoryRequest { ServiceId = service, Region = region, Days = days }, key);

    [Fact]
    public async Task EachDayKeepsItsWorstLevelMinutesReportsAndIncidentsAndIncidentsArePaged()
    {
        var first = host.Clock.GetUtcNow().UtcDateTime.Date;
        await OutageUntilRecoveredAsync("telegram", "AR");
        // Two days on (a quiet day between), the same series goes down again.
        await host.AdvanceAsync(first.AddDays(2).AddHours(9) - host.Clock.GetUtcNow().UtcDateTime, ("telegram", "AR"));
        await OutageUntilRecoveredAsync("telegram", "AR");
        // A few reports in another region: a day that partners may not see the figures of.
        foreach (var _ in Enumerable.Range(0, 2))
        {
            await host.Intake().SubmitReportAsync(new SubmitReportRequest { Report = Reports.Valid(host, "telegram", "CL") }, Feeder);
        }

        await host.AdvanceAsync(TimeSpan.FromMinutes(2), ("telegram", "AR"), ("telegram", "CL"));

        var history = await HistoryAsync("telegram", "AR", 5, Feeder);
        Assert.Equal(90, history.RetentionDays);
        Assert.Equal(5, history.Days.Count);
        Assert.Equal(Enumerable.Range(-2, 5).Select(i => first.AddDays(i)), history.Days.Select(d => d.DayStartTime.ToDateTime()));
        var (before, outage, quiet, again, _) = (history.Days[1], history.Days[2], history.Days[3], history.Days[4], 0);
        Assert.Equal(DisruptionLevel.Normal, before.WorstLevel);
        Assert.Equal(24 * 60, before.MinutesNormal);
        Assert.Equal(0, before.Reports);
        foreach (var day in new[] { outage, again })
        {
            Assert.True(day.WorstLevel >= DisruptionLevel.Disrupted, $"worst {day.WorstLevel}");
            Assert.True(day.MinutesDisrupted + day.MinutesOutage >= 1, "minutes at a raised level");
            Assert.True(day.MinutesDisrupted + day.MinutesOutage < 180);
            Assert.Equal(1500, day.Reports);
            Assert.Equal(1, day.Incidents);
        }

        Assert.Equal(24 * 60, outage.MinutesNormal + outage.MinutesElevated + outage.MinutesDisrupted + outage.MinutesOutage);
        Assert.Equal((DisruptionLevel.Normal, 0L, 0, 24 * 60), (quiet.WorstLevel, quiet.Reports, quiet.Incidents, quiet.MinutesNormal));
        // Today, so far: the minutes since midnight.
        var sinceMidnight = (int)(host.Clock.GetUtcNow() - new DateTimeOffset(first.AddDays(2), TimeSpan.Zero)).TotalMinutes;
        Assert.InRange(again.MinutesNormal + again.MinutesElevated + again.MinutesDisrupted + again.MinutesOutage, sinceMidnight - 1, sinceMidnight);

        // The default window is the retention; beyond it is refused.
        Assert.Equal(90, (await HistoryAsync("telegram", "AR", 0, Feeder)).Days.Count);
        Assert.Equal(StatusCode.InvalidArgument, await Reports.CodeOf(() => HistoryAsync("telegram", "AR", 91, Feeder)));

        // The privacy rule: a regional day of 2 reports shows no figure to a partner, and says so; the admin sees it.
        Assert.Equal(2, (await HistoryAsync("telegram", "CL", 1, Feeder)).Days.Single().Reports);
        var partner = (await HistoryAsync("telegram", "CL", 1, Reader)).Days.Single();
        Assert.Equal((0L, true), (partner.Reports, partner.ReportsWithheld));
        Assert.Equal(1500, (await HistoryAsync("telegram", "AR", 3, Reader)).Days[0].Reports);

        // Incidents a page at a time, newest first, with a token tied to the filters.
        var query = host.Query();
        var page1 = await query.ListIncidentsAsync(new ListIncidentsRequest { ServiceId = "telegram", PageSize = 1 }, Feeder);
        Assert.Single(page1.Incidents);
        Assert.NotEmpty(page1.NextPageToken);
        var page2 = await query.ListIncidentsAsync(new ListIncidentsRequest { ServiceId = "telegram", PageSize = 1, PageToken = page1.NextPageToken }, Feeder);
        Assert.Single(page2.Incidents);
        Assert.True(page2.Incidents[0].DetectedTime.ToDateTimeOffset() < page1.Incidents[0].DetectedTime.ToDateTimeOffset());
        Assert.Empty(page2.NextPageToken);
        var all = await query.ListIncidentsAsync(new ListIncidentsRequest { ServiceId = "telegram" }, Feeder);
        Assert.Equal([page1.Incidents[0].IncidentId, page2.Incidents[0].IncidentId], all.Incidents.Select(i => i.IncidentId));
        Assert.Equal(StatusCode.InvalidArgument, await Reports.CodeOf(() =>
            query.ListIncidentsAsync(new ListIncidentsRequest { ServiceId = "discord", PageSize = 1, PageToken = page1.NextPageToken }, Feeder).ResponseAsync));
        Assert.Equal(StatusCode.InvalidArgument, await Reports.CodeOf(() =>
            query.ListIncidentsAsync(new ListIncidentsRequest { PageToken = "not-a-token" }, Feeder).ResponseAsync));
    }
}
