using Outage.Detection;
using Outage.Grains.Abstractions;

namespace Outage.Grains.Tests;

/// <summary>The daily summaries a series keeps: buckets folded into their UTC day, quiet days not stored, retention, gaps filled.</summary>
public sealed class DailyHistoryTests
{
    private static readonly DateTimeOffset Day1 = new(2026, 11, 30, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    [Fact]
    public void BucketsFoldIntoTheirUtcDayWithTheWorstLevelAndMinutesPerLevel()
    {
        var days = new List<DailySummary>();
        DailyHistory.Record(days, Day1.AddHours(23).AddMinutes(58), Minute, 10, DisruptionLevel.Disrupted);
        DailyHistory.Record(days, Day1.AddHours(23).AddMinutes(59), Minute, 30, DisruptionLevel.Outage);
        DailyHistory.Record(days, Day1.AddDays(1), Minute, 5, DisruptionLevel.Elevated);
        DailyHistory.Record(days, Day1.AddDays(1).AddMinutes(1), Minute, 0, DisruptionLevel.Normal); // nothing to keep
        DailyHistory.RecordIncident(days, Day1.AddHours(23).AddMinutes(58));

        Assert.Equal([Day1, Day1.AddDays(1)], days.Select(d => d.Day));
        var (first, second) = (days[0], days[1]);
        Assert.Equal((DisruptionLevel.Outage, 1, 1, 40L, 1), (first.Worst, first.MinutesDisrupted, first.MinutesOutage, first.Reports, first.Incidents));
        Assert.Equal((DisruptionLevel.Elevated, 1, 5L, 0), (second.Worst, second.MinutesElevated, second.Reports, second.Incidents));
        Assert.Equal(24 * 60 - 2, DailyHistory.MinutesNormal(first, Day1.AddDays(5)));
        Assert.Equal(60 - 1, DailyHistory.MinutesNormal(second, Day1.AddDays(1).AddHours(1)));
    }

    [Fact]
    public void OldDaysArePrunedAndTheWindowIsFilledWithQuietDays()
    {
        var days = new List<DailySummary>();
        foreach (var i in new[] { 0, 3, 9 })
        {
            DailyHistory.Record(days, Day1.AddDays(i).AddHours(12), Minute, i + 1, DisruptionLevel.Normal);
        }

        var now = Day1.AddDays(9).AddHours(13);
        DailyHistory.Prune(days, now, retentionDays: 7);
        Assert.Equal([Day1.AddDays(3), Day1.AddDays(9)], days.Select(d => d.Day));

        var window = DailyHistory.Every(days, now, 7).ToList();
        Assert.Equal(Enumerable.Range(3, 7).Select(i => Day1.AddDays(i)), window.Select(d => d.Day));
        Assert.Equal([4L, 0, 0, 0, 0, 0, 10], window.Select(d => d.Reports));
    }

    [Fact]
    public void AReplayedBucketOfAnEarlierDayLandsInItsOwnDay()
    {
        var days = new List<DailySummary>();
        DailyHistory.Record(days, Day1.AddDays(2), Minute, 1, DisruptionLevel.Normal);
        DailyHistory.Record(days, Day1, Minute, 2, DisruptionLevel.Normal);
        DailyHistory.Record(days, Day1.AddDays(1), Minute, 3, DisruptionLevel.Normal);
        Assert.Equal([(Day1, 2L), (Day1.AddDays(1), 3L), (Day1.AddDays(2), 1L)], days.Select(d => (d.Day, d.Reports)));
    }
}
