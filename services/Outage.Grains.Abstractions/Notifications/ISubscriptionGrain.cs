namespace Outage.Grains.Abstractions.Notifications;

/// <summary>
/// One notification subscription (key: its id): its definition and signing secrets, the durable outbox of what it still
/// has to deliver, and the delivery log.
/// </summary>
[Alias("outage.ISubscriptionGrain")]
public interface ISubscriptionGrain : IGrainWithStringKey
{
    /// <summary>Records a new subscription and registers it with the router; an e-mail one sends its confirmation first.</summary>
    [Alias("Create")]
    Task<CreatedSubscription> CreateAsync(SubscriptionDefinition definition);

    /// <summary>The subscription, or null when there is none with this id.</summary>
    [Alias("Get"), Orleans.Concurrency.ReadOnly]
    Task<SubscriptionView?> GetAsync();

    /// <summary>Replaces the definition's filter, events, minimum duration and description; <paramref name="enable"/> re-enables (true) or disables (false) it.</summary>
    [Alias("Update")]
    Task<SubscriptionView?> UpdateAsync(SubscriptionDefinition definition, bool? enable);

    /// <summary>Removes the subscription and what it still had to send.</summary>
    [Alias("Delete")]
    Task DeleteAsync();

    /// <summary>A new signing secret; the old one still signs (a second signature) for <paramref name="grace"/>.</summary>
    [Alias("RotateSecret")]
    Task<string?> RotateSecretAsync(TimeSpan grace);

    /// <summary>The last delivery attempts, newest first.</summary>
    [Alias("GetDeliveries"), Orleans.Concurrency.ReadOnly]
    Task<DeliveryRecord[]> GetDeliveriesAsync();

    /// <summary>Sends a message again, with its id, after what is queued; false when the message is no longer kept.</summary>
    [Alias("Replay")]
    Task<bool> ReplayAsync(string messageId);

    /// <summary>Queues the changes (from the router) in the durable outbox; changes already queued (by sequence) are ignored.</summary>
    [Alias("Enqueue")]
    Task EnqueueAsync(StatusChange[] changes);

    /// <summary>Confirms an e-mail subscription with the token of its confirmation link.</summary>
    [Alias("Confirm")]
    Task<bool> ConfirmAsync(string token);

    /// <summary>Disables the subscription with the token of an unsubscribe link.</summary>
    [Alias("Unsubscribe")]
    Task<bool> UnsubscribeAsync(string token);
}
