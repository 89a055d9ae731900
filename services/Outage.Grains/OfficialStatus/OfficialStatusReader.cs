using Outage.Grains.Abstractions;

namespace Outage.Grains.OfficialStatus;

/// <summary>What a status page says about one service: its components' worst status, and the incident updates that become statements.</summary>
public static class OfficialStatusReader
{
    /// <summary>Statuses from best to worst.</summary>
    private static readonly string[] Severity = ["operational", "under_maintenance", "degraded_performance", "partial_outage", "major_outage"];

    /// <summary>Incident updates remembered as already posted.</summary>
    public const int SeenUpdatesKept = 1000;

    /// <summary>The worst status among the page's components that are the service (all of them when none is named).</summary>
    public static string WorstStatus(StatuspageDocument page, IReadOnlyList<string> components)
    {
        var mine = components.Count == 0 ? page.Components : page.Components.Where(c => components.Contains(c.Name, StringComparer.OrdinalIgnoreCase));
        return mine.Select(c => c.Status).Where(s => s.Length > 0).MaxBy(s => Array.IndexOf(Severity, s)) ?? "operational";
    }

    /// <summary>
    /// The updates of incidents that affect the service (or name no component) not posted yet and not older than
    /// <paramref name="notBefore"/>, oldest first, each as the statement it becomes.
    /// </summary>
    public static IReadOnlyList<(string UpdateId, StatementView Statement)> NewStatements(
        StatuspageDocument page, OfficialStatusSource source, string serviceId, IReadOnlySet<string> seen, DateTimeOffset notBefore, DateTimeOffset now)
    {
        var host = Uri.TryCreate(source.Url, UriKind.Absolute, out var uri) ? uri.Host : source.Url;
        var author = page.PageName.Length > 0 ? $"{page.PageName} ({host})" : host;
        return page.Incidents
            .Where(i => source.Components.Count == 0 || i.Components.Count == 0 || i.Components.Any(c => source.Components.Contains(c, StringComparer.OrdinalIgnoreCase)))
            .SelectMany(i => i.Updates.Select(u => (Incident: i, Update: u)))
            .Where(x => x.Update.Id.Length > 0 && !seen.Contains(x.Update.Id) && x.Update.CreatedAt is { } at && at >= notBefore)
            .OrderBy(x => x.Update.CreatedAt)
            .Select(x => (x.Update.Id, new StatementView
            {
                ServiceId = serviceId,
                Text = Truncate($"{x.Incident.Name} ({x.Update.Status}): {x.Update.Body}", 2000),
                Author = author,
                // When the owner said it, as the page says (never later than now: a clock ahead of ours is not believed).
                PostedAt = x.Update.CreatedAt!.Value < now ? x.Update.CreatedAt.Value : now,
            }))
            .ToArray();
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";
}
