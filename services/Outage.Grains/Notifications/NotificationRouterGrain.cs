using Outage.Grains.Abstractions;
using Outage.Grains.Abstractions.Notifications;

namespace Outage.Grains.Notifications;

/// <summary>
/// The notification router (key 0): holds every subscription's filter and hands each status change to the subscriptions
/// it matches, one call per subscription per batch of changes. The status feed keeps a batch until this grain returns,
/// and this grain returns only when every matching subscription has saved it: a change is never lost between the feed and
/// an outbox (a batch handed twice is ignored by sequence).
/// </summary>
public sealed class NotificationRouterGrain(
    [PersistentState("notification-router", StorageNames.State)] IPersistentState<NotificationRouterState> state,
    ServiceCatalog catalog) : Grain, INotificationRouterGrain
{
    private Dictionary<string, SubscriptionDefinition> Subscriptions => state.State.Subscriptions;

    /// <inheritdoc />
    public async Task RegisterAsync(SubscriptionDefinition definition)
    {
        Subscriptions[definition.Id] = definition;
        await state.WriteStateAsync();
    }

    /// <inheritdoc />
    public async Task UnregisterAsync(string subscriptionId)
    {
        if (Subscriptions.Remove(subscriptionId))
        {
            await state.WriteStateAsync();
        }
    }

    /// <inheritdoc />
    public Task<string[]> ListAsync(string keyName) => Task.FromResult(
        Subscriptions.Values.Where(s => s.KeyName == keyName).OrderBy(s => s.CreatedAt).ThenBy(s => s.Id, StringComparer.Ordinal).Select(s => s.Id).ToArray());

    /// <inheritdoc />
    public Task RouteAsync(StatusChange[] changes)
    {
        var deliveries = new List<Task>();
        foreach (var subscription in Subscriptions.Values)
        {
            var matching = changes.Where(c => Matches(subscription.Filter, c)).ToArray();
            if (matching.Length > 0)
            {
                deliveries.Add(GrainFactory.GetGrain<ISubscriptionGrain>(subscription.Id).EnqueueAsync(matching));
            }
        }

        return Task.WhenAll(deliveries);
    }

    private bool Matches(SubscriptionFilter filter, StatusChange change)
    {
        var owner = catalog.Find(change.Status.ServiceId)?.Owner ?? "";
        return change.Statement is not null ? filter.MatchesService(change.Status.ServiceId, owner) : filter.Matches(change.Status.Series, owner);
    }
}
