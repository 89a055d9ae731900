namespace Outage.Grains.Abstractions.Notifications;

/// <summary>A subscription just created, with its signing secret: the only time the secret is shown.</summary>
/// <param name="Subscription">The subscription.</param>
/// <param name="Secret">The <c>whsec_</c> secret that signs its webhooks; empty for Slack and e-mail.</param>
[GenerateSerializer, Immutable, Alias("outage.CreatedSubscription")]
public sealed record CreatedSubscription([property: Id(0)] SubscriptionView Subscription, [property: Id(1)] string Secret);
