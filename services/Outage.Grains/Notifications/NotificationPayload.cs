using System.Text.Json.Nodes;
using Outage.Grains.Abstractions;
using Outage.Grains.Abstractions.Notifications;

namespace Outage.Grains.Notifications;

/// <summary>The bodies of webhook and Slack messages.</summary>
public static class NotificationPayload
{
    /// <summary>
    /// The Standard Webhooks payload: <c>{"type", "timestamp", "data"}</c>. <c>data.series</c> lists each series the event is
    /// about (level, previous level, explanation, incident, page link); for <c>outage.statement.posted</c>,
    /// <c>data.statements</c> lists the statements.
    /// </summary>
    public static string Webhook(NotificationMessage message, SubscriptionDefinition subscription, NotificationLinks links, ServiceCatalog catalog)
    {
        var data = new JsonObject { ["subscription_id"] = subscription.Id };
        if (message.Kind == NotificationEvents.Statement)
        {
            data["statements"] = new JsonArray(message.Items.Where(i => i.Statement is not null).Select(i => (JsonNode)new JsonObject
            {
                ["service_id"] = i.Statement!.ServiceId,
                ["service_name"] = catalog.Find(i.Statement.ServiceId)?.DisplayName ?? i.Statement.ServiceId,
                ["text"] = i.Statement.Text,
                ["author"] = i.Statement.Author,
                ["posted_at"] = i.Statement.PostedAt.UtcDateTime.ToString("O"),
                ["incident_id"] = i.Statement.IncidentId,
                ["url"] = links.Series(new(i.Statement.ServiceId, Regions.World)),
            }).ToArray());
        }
        else
        {
            data["series"] = new JsonArray(message.Items.Select(i => (JsonNode)Series(i, links, catalog)).ToArray());
        }

        var payload = new JsonObject
        {
            ["type"] = message.Type,
            ["timestamp"] = message.CreatedAt.UtcDateTime.ToString("O"),
            ["data"] = data,
        };
        return payload.ToJsonString();
    }

    /// <summary>A Slack incoming-webhook message: a title with a link, then one line per series.</summary>
    public static string Slack(NotificationMessage message, NotificationLinks links, ServiceCatalog catalog)
    {
        var title = NotificationText.Title(message, catalog);
        var first = message.Items[0].Status.Series;
        var lines = message.Items.Select(i => "• " + Escape(NotificationText.Line(message, i, catalog)));
        var text = $"*<{links.Series(first)}|{Escape(title)}>*\n{string.Join('\n', lines)}";
        var body = new JsonObject
        {
            ["text"] = title, // the notification's plain text (phones, screen readers)
            ["blocks"] = new JsonArray(new JsonObject
            {
                ["type"] = "section",
                ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = text },
            }),
        };
        return body.ToJsonString();
    }

    private static JsonObject Series(NotificationItem item, NotificationLinks links, ServiceCatalog catalog)
    {
        var s = item.Status;
        return new JsonObject
        {
            ["service_id"] = s.ServiceId,
            ["service_name"] = catalog.Find(s.ServiceId)?.DisplayName ?? s.ServiceId,
            ["region"] = s.Region,
            ["level"] = NotificationText.Word(s.Level),
            ["previous_level"] = NotificationText.Word(item.PreviousLevel),
            ["recovering"] = s.Recovering,
            ["since"] = s.Since?.UtcDateTime.ToString("O"),
            ["observed"] = s.Observed,
            ["expected"] = Math.Round(s.Expected, 2),
            ["distinct_reporters"] = s.DistinctReporters,
            ["top_categories"] = new JsonArray(s.TopCategories.Select(c => (JsonNode)new JsonObject { ["category"] = c.Category, ["share"] = Math.Round(c.Share, 3) }).ToArray()),
            ["explanation"] = NotificationText.Explanation(s),
            ["incident_id"] = s.IncidentId,
            ["url"] = links.Series(s.Series),
        };
    }

    /// <summary>Slack's three reserved characters.</summary>
    private static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
