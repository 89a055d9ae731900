using Orleans.Concurrency;
using Outage.Detection;

namespace Outage.Grains.Abstractions;

/// <summary>
/// One series: the reports of one service in one region (key <c>service/region</c>, or <c>service</c> for
/// worldwide). Owns dedupe, the open bucket, the detector and the bucket history.
/// </summary>
[Alias("outage.ISeriesGrain")]
public interface ISeriesGrain : IGrainWithStringKey
{
    /// <summary>Decides each report's outcome and counts the accepted ones (leaf series only).</summary>
    /// <remarks>
    /// Neither side touches the arrays after the call (the intake builds a new one per drain, the grain a new answer per
    /// call), so Orleans is told not to deep-copy them on a call within the silo: the copy and its identity tracking cost
    /// more than the grain's own work on the bench's batch flood.
    /// </remarks>
    [Alias("Ingest")]
    Task<Immutable<IngestOutcome[]>> IngestAsync([Immutable] IngestItem[] items);

    /// <summary>
    /// Adds counts rolled up from a child series (subdivision to country, country to world), several
    /// changes at a time, oldest first. Idempotent: deltas with a sequence number already applied for that
    /// child are ignored, so a resend that overlaps what was applied counts once.
    /// </summary>
    /// <returns>The parent's open bucket as it stands after the deltas (a young child reads its own volume against it).</returns>
    /// <remarks>Kept for silos of the version before <see cref="AddChildRollupsAsync"/>, which call it during a rolling upgrade.</remarks>
    [Alias("AddRollups")]
    Task<ParentReading> AddRollupsAsync(string child, RollupDelta[] deltas);

    /// <summary>
    /// Adds the roll-ups of several children in one call and one journal append (a silo's children share a call to their
    /// parent: see <c>RollupForwarder</c>). Idempotent per child, as <see cref="AddRollupsAsync"/>, also when one child
    /// appears twice in the batch.
    /// </summary>
    /// <returns>The parent's open bucket as it stands after the deltas, for every child in the batch.</returns>
    [Alias("AddChildRollups")]
    Task<ParentReading> AddChildRollupsAsync([Immutable] ChildRollups[] batch);

    /// <summary>The live status, after closing the buckets that have ended (the figures include the open bucket).</summary>
    /// <remarks>The alias is the method's name before version 2.1, kept so silos of both versions understand each other.</remarks>
    [Alias("Refresh")]
    Task<SeriesStatusView> GetStatusAsync();

    /// <summary>
    /// The live status as it stands, answered between the turns of other calls rather than behind them (a read never
    /// waits for the ingest queued before it); null when a bucket has ended that is not closed yet (an idle activation
    /// between ticks): then ask <see cref="GetStatusAsync"/>.
    /// </summary>
    [Alias("PeekStatus"), Orleans.Concurrency.AlwaysInterleave]
    Task<SeriesStatusView?> PeekStatusAsync();

    /// <summary>Buckets of the last <paramref name="window"/> at 1-minute resolution, oldest first.</summary>
    [Alias("GetTimeline"), Orleans.Concurrency.ReadOnly]
    Task<TimelinePoint[]> GetTimelineAsync(TimeSpan window);

    /// <summary>The summaries of the last <paramref name="days"/> UTC days that held reports or a raised level, oldest first (today's so far).</summary>
    [Alias("GetHistory"), Orleans.Concurrency.ReadOnly]
    Task<DailySummary[]> GetHistoryAsync(int days);
}
