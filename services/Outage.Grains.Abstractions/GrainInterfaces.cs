using Outage.Detection;

namespace Outage.Grains;

/// <summary>
/// One series: the reports of one service in one region (key <c>service/region</c>, or <c>service</c> for
/// worldwide). Owns dedupe, the open bucket, the detector and the bucket history.
/// </summary>
[Alias("outage.ISeriesGrain")]
public interface ISeriesGrain : IGrainWithStringKey
{
    /// <summary>Decides each report's outcome and counts the accepted ones (leaf series only).</summary>
    [Alias("Ingest")]
    Task<IngestOutcome[]> IngestAsync(IngestItem[] items);

    /// <summary>
    /// Adds counts rolled up from a child series (subdivision to country, country to world), several
    /// changes at a time, oldest first. Idempotent: deltas with a sequence number already applied for that
    /// child are ignored, so a resend that overlaps what was applied counts once.
    /// </summary>
    [Alias("AddRollups")]
    Task AddRollupsAsync(string child, RollupDelta[] deltas);

    /// <summary>Closes finished buckets and returns the live status.</summary>
    [Alias("Refresh")]
    Task<SeriesStatusView> RefreshAsync();

    /// <summary>Buckets of the last <paramref name="window"/> at 1-minute resolution, oldest first.</summary>
    [Alias("GetTimeline"), Orleans.Concurrency.ReadOnly]
    Task<TimelinePoint[]> GetTimelineAsync(TimeSpan window);
}

/// <summary>Receives status changes (one observer per silo or edge, which fans them out to its own streams).</summary>
[Alias("outage.IStatusObserver")]
public interface IStatusObserver : IGrainObserver
{
    /// <summary>A series changed level or recovering flag.</summary>
    [Alias("OnStatusChanged")]
    void OnStatusChanged(StatusChange change);
}

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

/// <summary>Constants of the status feed.</summary>
public static class StatusFeed
{
    /// <summary>How long official statements are kept and shown.</summary>
    public static readonly TimeSpan StatementRetention = TimeSpan.FromDays(1);

    /// <summary>Most official statements kept, all services together.</summary>
    public const int RetainedStatements = 1000;

    /// <summary>How long an observer stays subscribed without renewing.</summary>
    public static readonly TimeSpan ObserverExpiry = TimeSpan.FromMinutes(2);

    /// <summary>How many changes the feed retains for reconnecting clients.</summary>
    public const int RetainedChanges = 10_000;
}

/// <summary>The incident log (key 0): every series incident, grouped by the family correlator, newest first.</summary>
[Alias("outage.IIncidentLogGrain")]
public interface IIncidentLogGrain : IGrainWithIntegerKey
{
    /// <summary>Records an opened, changed or closed series incident.</summary>
    [Alias("Record")]
    Task RecordAsync(IncidentView incident);

    /// <summary>Attaches an official statement to the incident it names (<see cref="StatementView.IncidentId"/>); false when the incident is unknown.</summary>
    [Alias("AttachStatement")]
    Task<bool> AttachStatementAsync(StatementView statement);

    /// <summary>Parent and ungrouped incidents, newest first.</summary>
    [Alias("List"), Orleans.Concurrency.ReadOnly]
    Task<IncidentView[]> ListAsync(string serviceId, string owner, bool openOnly, int limit);

    /// <summary>One incident and, for a parent, its members; null when unknown.</summary>
    [Alias("Get"), Orleans.Concurrency.ReadOnly]
    Task<IncidentView[]?> GetAsync(string incidentId);
}
