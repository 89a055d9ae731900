using System.Globalization;
using Outage.Contracts.V1;

namespace Outage.Cli.Commands;

/// <summary>Readable renderings of statuses and levels.</summary>
internal static class Format
{
    public static string Level(DisruptionLevel level) => level switch
    {
        DisruptionLevel.Normal => "[green]NORMAL[/]",
        DisruptionLevel.Elevated => "[yellow]ELEVATED[/]",
        DisruptionLevel.Disrupted => "[darkorange]DISRUPTED[/]",
        DisruptionLevel.Outage => "[red bold]OUTAGE[/]",
        _ => "?",
    };

    public static string Series(string service, string region) => region.Length == 0 ? $"{service} (world)" : $"{service}/{region}";

    public static string Time(Google.Protobuf.WellKnownTypes.Timestamp? t) =>
        t is null ? "-" : t.ToDateTimeOffset().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>The verdict in plain words: "1,240 reports in the last 15 minutes where about 35 are usual (35x), from 1,180 devices, since 15:42 UTC".</summary>
    public static string Sentence(SeriesStatus s)
    {
        var e = s.Explanation;
        if (e is null)
        {
            return "";
        }

        var minutes = e.Window?.ToTimeSpan().TotalMinutes ?? 15;
        var text = string.Create(CultureInfo.InvariantCulture,
            $"{e.Observed:N0} reports in the last {minutes:0} minutes where about {e.Expected:N0} are usual ({e.Ratio:0.#}x), from {e.DistinctReporters:N0} devices");
        if (e.SinceTime is not null)
        {
            text += $", since {e.SinceTime.ToDateTimeOffset():HH:mm} UTC";
        }

        if (e.TopCategories.Count > 0)
        {
            text += "; " + string.Join(", ", e.TopCategories.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Category} {c.Share:P0}")));
        }

        return e.Recovering ? text + "; recovering" : text;
    }
}
