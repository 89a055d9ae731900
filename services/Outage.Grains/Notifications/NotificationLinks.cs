using Outage.Detection;

namespace Outage.Grains.Notifications;

/// <summary>The links messages carry, on the page's public address.</summary>
/// <param name="baseUrl">The page's public address (<see cref="NotificationOptions.PublicBaseUrl"/>).</param>
public sealed class NotificationLinks(string baseUrl)
{
    private readonly string _base = baseUrl.TrimEnd('/');

    /// <summary>The page of a series (the service's page for the worldwide series).</summary>
    public string Series(SeriesKey series) =>
        $"{_base}/#/services/{Uri.EscapeDataString(series.ServiceId)}{(series.Region.Length > 0 ? "/" + Uri.EscapeDataString(series.Region) : "")}";

    /// <summary>The page of an incident.</summary>
    public string Incident(string incidentId) => $"{_base}/#/incidents/{Uri.EscapeDataString(incidentId)}";

    /// <summary>The e-mail confirmation link.</summary>
    public string Confirm(string subscriptionId, string token) => $"{_base}/notifications/confirm?subscription={Uri.EscapeDataString(subscriptionId)}&token={Uri.EscapeDataString(token)}";

    /// <summary>The unsubscribe link (also the one-click <c>List-Unsubscribe</c> target).</summary>
    public string Unsubscribe(string subscriptionId, string token) => $"{_base}/notifications/unsubscribe?subscription={Uri.EscapeDataString(subscriptionId)}&token={Uri.EscapeDataString(token)}";
}
