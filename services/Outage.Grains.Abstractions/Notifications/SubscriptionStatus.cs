namespace Outage.Grains.Abstractions.Notifications;

/// <summary>Whether a subscription is sending.</summary>
public enum SubscriptionStatus
{
    /// <summary>Sending notifications.</summary>
    Active = 0,

    /// <summary>An e-mail subscription waiting for its address to confirm it: nothing but the confirmation is sent.</summary>
    PendingConfirmation = 1,

    /// <summary>Not sending: by its owner, after its target answered 410 Gone, after deliveries failed for about a day, or unsubscribed (see the reason).</summary>
    Disabled = 2,
}
