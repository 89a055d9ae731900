using Outage.Detection;
using Outage.Grains.Abstractions;

namespace Outage.Grains;

/// <summary>
/// Folds a series' closed buckets into one summary per UTC day, oldest first, and keeps the last
/// <see cref="SeriesOptions.HistoryRetentionDays"/> of them: what "was it down yesterday?" is answered from, long after
/// the minute-by-minute timeline is gone. Days with nothing counted and nothing raised are not stored.
/// </summary>
public static class DailyHistory
{
    /// <summary>Adds a closed bucket (its start, width, reports and level) to its day.</summary>
    public static void Record(List<DailySummary> days, DateTimeOffset start, TimeSpan width, long reports, DisruptionLevel level)
    {
        if (reports == 0 && level == DisruptionLevel.Normal)
        {
            return;
        }

        var day = Day(days, start);
        day.Reports += reports;
        day.Worst = level > day.Worst ? level : day.Worst;
        var minutes = (int)Math.Round(width.TotalMinutes);
        switch (level)
        {
            case DisruptionLevel.Elevated: day.MinutesElevated += minutes; break;
            case DisruptionLevel.Disrupted: day.MinutesDisrupted += minutes; break;
            case DisruptionLevel.Outage: day.MinutesOutage += minutes; break;
        }
    }

    /// <summary>Counts an incident detected at <paramref name="detectedAt"/>.</summary>
    public static void RecordIncident(List<DailySummary> days, DateTimeOffset detectedAt) => Day(days, detectedAt).Incidents++;

    /// <summary>Drops the days older than <paramref name="retentionDays"/> days before <paramref name="now"/>'s.</summary>
    public static void Prune(List<DailySummary> days, DateTimeOffset now, int retentionDays)
    {
        var oldest = Midnight(now).AddDays(-(retentionDays - 1));
        var keep = days.FindIndex(d => d.Day >= oldest);
        days.RemoveRange(0, keep < 0 ? days.Count : keep);
    }

    /// <summary>Every day of the <paramref name="days"/> ending with <paramref name="now"/>'s, oldest first: the stored ones, and empty (NORMAL) ones between.</summary>
    public static IEnumerable<DailySummary> Every(IReadOnlyList<DailySummary> stored, DateTimeOffset now, int days)
    {
        var byDay = stored.ToDictionary(d => d.Day);
        var today = Midnight(now);
        for (var i = days - 1; i >= 0; i--)
        {
            var day = today.AddDays(-i);
            yield return byDay.GetValueOrDefault(day) ?? new DailySummary { Day = day };
        }
    }

    /// <summary>The day's minutes not at a raised level: the rest of the day, or of today so far.</summary>
    public static int MinutesNormal(DailySummary day, DateTimeOffset now)
    {
        var length = now < day.Day.AddDays(1) ? (int)Math.Max(0, (now - day.Day).TotalMinutes) : 24 * 60;
        return Math.Max(0, length - day.MinutesElevated - day.MinutesDisrupted - day.MinutesOutage);
    }

    /// <summary>Midnight UTC of the day holding <paramref name="at"/>.</summary>
    public static DateTimeOffset Midnight(DateTimeOffset at) => new(at.UtcDateTime.Date, TimeSpan.Zero);

    private static DailySummary Day(List<DailySummary> days, DateTimeOffset at)
    {
        var midnight = Midnight(at);
        if (days.Count > 0 && days[^1].Day == midnight)
        {
            return days[^1];
        }

        // Buckets close in order, so a day is new or the last one; an older one (a replay) is found by search.
        var index = days.FindIndex(d => d.Day == midnight);
        if (index >= 0)
        {
            return days[index];
        }

        var day = new DailySummary { Day = midnight };
        var later = days.FindIndex(d => d.Day > midnight);
        days.Insert(later < 0 ? days.Count : later, day);
        return day;
    }
}
