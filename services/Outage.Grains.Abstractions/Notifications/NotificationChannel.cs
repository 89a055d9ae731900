namespace Outage.Grains.Abstractions.Notifications;

/// <summary>How a subscription's notifications travel.</summary>
public enum NotificationChannel
{
    /// <summary>An HTTPS POST signed as Standard Webhooks v1.</summary>
    Webhook = 0,

    /// <summary>A Slack incoming-webhook message.</summary>
    Slack = 1,

    /// <summary>An e-mail over SMTP, after the address confirmed the subscription (double opt-in).</summary>
    Email = 2,
}
