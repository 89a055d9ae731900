using Outage.Detection;
using Outage.Grains.Abstractions;

namespace Outage.Host.Public;

/// <summary>
/// What a badge, a feed or a glance at the page says about one service: its worst level, and where that level is when
/// the worldwide series is less disrupted than some of its regions (a regional outage is diluted worldwide).
/// </summary>
/// <param name="Label">The service's display name.</param>
/// <param name="Level">The worst level of the series asked about (one region, or worldwide and every region).</param>
/// <param name="WorseRegions">With no region asked for: the regions at <paramref name="Level"/> when worldwide is below it.</param>
public sealed record ServiceSummary(string Label, DisruptionLevel Level, IReadOnlyList<string> WorseRegions)
{
    /// <summary>The level in the words of the page (lower case, as badges write them).</summary>
    public static string Words(DisruptionLevel level) => level switch
    {
        DisruptionLevel.Outage => "outage",
        DisruptionLevel.Disrupted => "problems",
        DisruptionLevel.Elevated => "possible problems",
        _ => "no problems",
    };

    /// <summary>The badge's message: "outage", or "outage in FR", "problems in 3 regions".</summary>
    public string Message => WorseRegions.Count switch
    {
        0 => Words(Level),
        1 => $"{Words(Level)} in {WorseRegions[0]}",
        var n => $"{Words(Level)} in {n} regions",
    };

    /// <summary>
    /// The summary of <paramref name="service"/> from the statuses this process holds (every non-NORMAL series):
    /// <paramref name="region"/> alone when given, else worldwide and all its regions.
    /// </summary>
    public static ServiceSummary Of(ServiceDefinition service, string region, IEnumerable<SeriesStatusView> disrupted)
    {
        var mine = disrupted.Where(s => s.ServiceId == service.Id).ToList();
        if (region.Length > 0)
        {
            var level = mine.FirstOrDefault(s => s.Region == region)?.Level ?? DisruptionLevel.Normal;
            return new ServiceSummary(service.DisplayName, level, []);
        }

        var worldwide = mine.FirstOrDefault(s => s.Region.Length == 0)?.Level ?? DisruptionLevel.Normal;
        var worst = mine.Count == 0 ? DisruptionLevel.Normal : mine.Max(s => s.Level);
        var regions = worst > worldwide
            ? mine.Where(s => s.Level == worst && s.Region.Length > 0).Select(s => s.Region).Order(StringComparer.Ordinal).ToArray()
            : [];
        return new ServiceSummary(service.DisplayName, worst, regions);
    }
}
