using System.ServiceModel.Syndication;
using System.Text;
using System.Xml;
using Outage.Grains.Abstractions;

namespace Outage.Host.Public;

/// <summary>
/// An Atom (RFC 4287) feed of incidents and official statements, written by System.ServiceModel.Syndication. Entry ids
/// are URNs of the incident id or of the statement (service and posting time), the same on every host and every
/// request; <c>updated</c> is the entry's last change, so that the feed, and its ETag, change only when an entry does.
/// </summary>
public static class AtomStatusFeed
{
    /// <summary>Entries a feed holds, newest first.</summary>
    public const int MaxEntries = 50;

    /// <summary>The feed as XML.</summary>
    /// <param name="id">The feed's stable id, such as <c>urn:outage:feed:incidents</c>.</param>
    /// <param name="title">The feed's title.</param>
    /// <param name="page">The page's address (no trailing slash): entries link to its views.</param>
    /// <param name="self">The feed's own address.</param>
    /// <param name="incidents">Incidents, newest first.</param>
    /// <param name="statements">Official statements; those also found on an incident appear once.</param>
    /// <param name="names">Display names by service id.</param>
    public static string Write(string id, string title, string page, string self, IEnumerable<IncidentView> incidents,
        IEnumerable<StatementView> statements, Func<string, string> names)
    {
        var incidentList = incidents.ToList();
        var allStatements = incidentList.SelectMany(i => i.Statements).Concat(statements)
            .DistinctBy(s => (s.ServiceId, s.PostedAt, s.Text));
        var items = incidentList.Select(i => Incident(i, page, names))
            .Concat(allStatements.Select(s => Statement(s, page, names)))
            .OrderByDescending(i => i.LastUpdatedTime).ThenBy(i => i.Id, StringComparer.Ordinal)
            .Take(MaxEntries).ToList();
        var feed = new SyndicationFeed(title, "Crowd-sourced status: incidents detected from people's reports, and what the services said.",
            new Uri(page + "/"), id, items.Count == 0 ? DateTimeOffset.UnixEpoch : items.Max(i => i.LastUpdatedTime), items)
        {
            Generator = "Outage",
        };
        feed.Links.Add(new SyndicationLink(new Uri(self)) { RelationshipType = "self", MediaType = "application/atom+xml" });
        feed.Authors.Add(new SyndicationPerson { Name = "Outage" });

        var output = new StringBuilder();
        using (var writer = XmlWriter.Create(output, new XmlWriterSettings { Indent = true, Encoding = Encoding.UTF8 }))
        {
            new Atom10FeedFormatter(feed).WriteTo(writer);
        }

        // StringBuilder output is UTF-16: say what is sent.
        return output.ToString().Replace("encoding=\"utf-16\"", "encoding=\"utf-8\"", StringComparison.Ordinal);
    }

    private static SyndicationItem Incident(IncidentView incident, string page, Func<string, string> names)
    {
        var services = string.Join(", ", incident.Services.Select(names));
        var regions = string.Join(", ", incident.Regions.Select(r => r.Length == 0 ? "worldwide" : r));
        var state = incident.ClosedAt is not null ? "resolved" : incident.RecoveringSince is not null ? "recovering" : "ongoing";
        var updated = new[] { incident.DetectedAt, incident.RecoveringSince ?? default, incident.ClosedAt ?? default }
            .Concat(incident.Statements.Select(s => s.PostedAt)).Max();
        var text = new StringBuilder()
            .Append($"{Capitalised(ServiceSummary.Words(incident.PeakLevel))} at worst, detected {incident.DetectedAt:yyyy-MM-dd HH:mm} UTC from people's reports")
            .Append(regions.Length > 0 ? $" in {regions}" : "").Append('.');
        text.Append(state switch
        {
            "resolved" => $" Resolved {incident.ClosedAt:yyyy-MM-dd HH:mm} UTC.",
            "recovering" => $" Recovering since {incident.RecoveringSince:HH:mm} UTC.",
            _ => " Ongoing.",
        });
        if (incident.Statements.Count > 0)
        {
            text.Append($" {incident.Owner} said: \"{incident.Statements[0].Text}\"");
        }

        var item = new SyndicationItem($"{services}: {ServiceSummary.Words(incident.PeakLevel)} ({state})", text.ToString(),
            new Uri($"{page}/#/incidents/{Uri.EscapeDataString(incident.Id)}"), "urn:outage:incident:" + Uri.EscapeDataString(incident.Id), updated)
        {
            PublishDate = incident.DetectedAt,
        };
        item.Categories.Add(new SyndicationCategory("incident"));
        item.Categories.Add(new SyndicationCategory(state));
        return item;
    }

    private static SyndicationItem Statement(StatementView statement, string page, Func<string, string> names)
    {
        var by = statement.Author.Length > 0 ? $" ({statement.Author})" : "";
        var item = new SyndicationItem($"{names(statement.ServiceId)}: official statement{by}", statement.Text,
            new Uri(statement.IncidentId.Length > 0
                ? $"{page}/#/incidents/{Uri.EscapeDataString(statement.IncidentId)}"
                : $"{page}/#/services/{Uri.EscapeDataString(statement.ServiceId)}"),
            $"urn:outage:statement:{Uri.EscapeDataString(statement.ServiceId)}:{statement.PostedAt.ToUnixTimeMilliseconds()}", statement.PostedAt)
        {
            PublishDate = statement.PostedAt,
        };
        item.Categories.Add(new SyndicationCategory("statement"));
        return item;
    }

    private static string Capitalised(string words) => char.ToUpperInvariant(words[0]) + words[1..];
}
