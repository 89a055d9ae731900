using System.Globalization;
using Outage.Detection;
using Outage.Grains.Abstractions;

namespace Outage.Grains.Notifications;

/// <summary>The sentences people read in Slack and e-mail messages (and the <c>explanation</c> of webhook payloads).</summary>
public static class NotificationText
{
    /// <summary>"Facebook in GB" or "Facebook worldwide".</summary>
    public static string Where(string displayName, string region) => region.Length == 0 ? $"{displayName} worldwide" : $"{displayName} in {region}";

    /// <summary>The level as a word: "an outage", "disrupted", "elevated", "normal".</summary>
    public static string Word(DisruptionLevel level) => level switch
    {
        DisruptionLevel.Outage => "OUTAGE",
        DisruptionLevel.Disrupted => "DISRUPTED",
        DisruptionLevel.Elevated => "ELEVATED",
        _ => "NORMAL",
    };

    /// <summary>Why the level is what it is: "412 reports in 15 min, usually 12 (34x); mostly login (62 %)".</summary>
    public static string Explanation(SeriesStatusView status)
    {
        var c = CultureInfo.InvariantCulture;
        var text = string.Create(c, $"{status.Observed:N0} reports in {status.Window.TotalMinutes:0} min, usually {status.Expected:N0}");
        if (status.Expected > 0 && status.Ratio >= 1.5)
        {
            text += string.Create(c, $" ({status.Ratio:0.#}x)");
        }

        if (status.TopCategories.Count > 0)
        {
            var top = status.TopCategories[0];
            text += string.Create(c, $"; mostly {top.Category} ({top.Share:P0})");
        }

        return text;
    }

    /// <summary>One line per item of a message: what happened to the series, with its explanation.</summary>
    public static string Line(NotificationMessage message, NotificationItem item, ServiceCatalog catalog)
    {
        var name = catalog.Find(item.Status.ServiceId)?.DisplayName ?? item.Status.ServiceId;
        if (item.Statement is { } statement)
        {
            return $"{name} says: \"{statement.Text}\"";
        }

        var where = Where(name, item.Status.Region);
        var since = item.Status.Since is { } s ? $" since {s:HH:mm} UTC" : "";
        return message.Kind switch
        {
            Abstractions.Notifications.NotificationEvents.Resolved => $"{where}: back to normal ({Explanation(item.Status)})",
            Abstractions.Notifications.NotificationEvents.Recovering => $"{where}: {Word(item.Status.Level)}, recovering{since} ({Explanation(item.Status)})",
            _ => $"{where}: {Word(item.Status.Level)}{since} ({Explanation(item.Status)})",
        };
    }

    /// <summary>A short title for the message: "OUTAGE: Facebook in GB and 3 more".</summary>
    public static string Title(NotificationMessage message, ServiceCatalog catalog)
    {
        if (message.Items.Count == 0)
        {
            return "Confirm your Outage notifications";
        }

        var first = message.Items[0];
        var name = catalog.Find(first.Status.ServiceId)?.DisplayName ?? first.Status.ServiceId;
        var more = message.Items.Count > 1 ? $" and {message.Items.Count - 1} more" : "";
        return message.Kind switch
        {
            Abstractions.Notifications.NotificationEvents.Statement => $"Statement from {name}{more}",
            Abstractions.Notifications.NotificationEvents.Resolved => $"Resolved: {Where(name, first.Status.Region)}{more}",
            Abstractions.Notifications.NotificationEvents.Recovering => $"Recovering: {Where(name, first.Status.Region)}{more}",
            _ => $"{Word(message.Items.Max(i => i.Status.Level))}: {Where(name, first.Status.Region)}{more}",
        };
    }
}
