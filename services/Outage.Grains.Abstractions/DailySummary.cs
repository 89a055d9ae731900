using Outage.Detection;

namespace Outage.Grains.Abstractions;

/// <summary>One UTC day of one series: its worst level, the minutes it spent at each raised level, its reports and incidents.</summary>
[GenerateSerializer, Alias("outage.DailySummary")]
public sealed class DailySummary
{
    /// <summary>Midnight UTC starting the day.</summary>
    [Id(0)] public DateTimeOffset Day { get; set; }

    /// <summary>The worst level of any closed bucket of the day.</summary>
    [Id(1)] public DisruptionLevel Worst { get; set; }

    /// <summary>Minutes at ELEVATED.</summary>
    [Id(2)] public int MinutesElevated { get; set; }

    /// <summary>Minutes at DISRUPTED.</summary>
    [Id(3)] public int MinutesDisrupted { get; set; }

    /// <summary>Minutes at OUTAGE.</summary>
    [Id(4)] public int MinutesOutage { get; set; }

    /// <summary>Reports counted in the day's closed buckets.</summary>
    [Id(5)] public long Reports { get; set; }

    /// <summary>Incidents of the series detected that day.</summary>
    [Id(6)] public int Incidents { get; set; }

    /// <summary>A copy (the state's own summaries are updated in place).</summary>
    public DailySummary Copy() => (DailySummary)MemberwiseClone();
}
