using Outage.Detection;

namespace Outage.Grains.Abstractions;

/// <summary>
/// The cluster's status feed (key 0): the index of non-NORMAL series, the sequence-numbered log of
/// recent changes, and the observers to push changes to.
/// </summary>
[Alias("outage.IStatusFeedGrain")]
public interface IStatusFeedGrain : IGrainWithIntegerKey
{
    /// <summary>Records a change of a series' status and pushes it to every observer.</summary>
    [Alias("Publish")]
    Task PublishAsync(SeriesStatusView status, DisruptionLevel previousLevel);

    /// <summary>Refreshes the figures of a disrupted series in the index without logging a change (once per bucket while disrupted).</summary>
    [Alias("UpdateFigures")]
    Task UpdateFiguresAsync(SeriesStatusView status);

    /// <summary>
    /// Records an official statement, computes its acknowledgement lag when it is the first of a disruption,
    /// and pushes the service's worldwide status with its statements to every observer.
    /// </summary>
    [Alias("PostStatement")]
    Task<StatementView> PostStatementAsync(StatementView statement);

    /// <summary>Every non-NORMAL series and the last sequence number.</summary>
    [Alias("GetSnapshot"), Orleans.Concurrency.ReadOnly]
    Task<FeedSnapshot> GetSnapshotAsync();

    /// <summary>Changes after <paramref name="sequence"/> still retained, oldest first; null when some were already dropped.</summary>
    [Alias("GetChangesAfter"), Orleans.Concurrency.ReadOnly]
    Task<StatusChange[]?> GetChangesAfterAsync(long sequence);

    /// <summary>Subscribes (or renews) an observer; renew within <see cref="StatusFeed.ObserverExpiry"/>.</summary>
    [Alias("Subscribe")]
    Task SubscribeAsync(IStatusObserver observer);

    /// <summary>Removes an observer.</summary>
    [Alias("Unsubscribe")]
    Task UnsubscribeAsync(IStatusObserver observer);
}
