using Outage.Grains.Abstractions;

namespace Outage.Grains;

/// <summary>
/// Delivers a series' roll-up outbox (<see cref="SeriesState.PendingRollups"/>) to its parent, and holds the reminder
/// that delivers what a dead silo owed.
/// </summary>
/// <remarks>
/// <para>The deltas stay queued (and saved) until the parent confirms. Unless forced, a flush waits until the outbox
/// holds <see cref="FlushDeltas"/> changes or <see cref="FlushReports"/> reports: under load a parent gets one call per
/// several child batches, and at most a timer tick (a second) late.</para>
/// <para>With the durable acknowledgement the outbox is journaled with each change, and a series that queues roll-ups
/// holds a reminder before its first acknowledged batch: if its silo dies with roll-ups still queued, the reminder brings
/// the series back within about a minute to deliver them, even if nobody reports on it again. One reminder write per
/// busy spell, not per batch: held from the first batch until the series goes idle (or leaves) owing nothing.</para>
/// </remarks>
/// <param name="parent">The parent series, or null for a worldwide series (nothing to deliver).</param>
/// <param name="child">This series' key, as the parent counts its sequences.</param>
/// <param name="holdReminder">True when the acknowledgement is durable: the reminder is held while roll-ups are owed.</param>
/// <param name="reminders">Registers and drops the grain's reminder.</param>
/// <param name="forwarder">This silo's forwarder, which shares a call to the parent with its other children.</param>
internal sealed class RollupOutbox(ISeriesGrain? parent, string child, bool holdReminder, RollupOutbox.IReminder reminders, RollupForwarder forwarder)
{
    /// <summary>The reminder's name.</summary>
    public const string ReminderName = "rollup";

    /// <summary>Changes in the outbox that make it due without waiting for the timer.</summary>
    public const int FlushDeltas = 16;

    /// <summary>Reports in the outbox that make it due without waiting for the timer.</summary>
    public const int FlushReports = 256;

    private bool _reminderHeld;
    private string? _parentKey;

    /// <summary>The grain's reminder, as the outbox needs it.</summary>
    public interface IReminder
    {
        /// <summary>Registers (or updates) the reminder.</summary>
        Task RegisterAsync();

        /// <summary>Drops the reminder if it is registered.</summary>
        Task DropAsync();
    }

    /// <summary>Before a change that may queue roll-ups is acknowledged: holds the reminder.</summary>
    public async Task BeforeQueueingAsync()
    {
        if (holdReminder && parent is not null && !_reminderHeld)
        {
            await reminders.RegisterAsync();
            _reminderHeld = true;
        }
    }

    /// <summary>Hands the outbox to the parent in one call when it is due (or <paramref name="force"/>d).</summary>
    /// <param name="outbox">The queued deltas, oldest first; those delivered are removed.</param>
    /// <param name="force">Deliver whatever is queued.</param>
    /// <param name="expectedPerMinute">
    /// What this series usually sees per minute, stamped on the newest delta (a young parent starts from it); asked only
    /// when a delivery is due, since for a young series it takes a preview of the open bucket.
    /// </param>
    /// <returns>The parent's reading of its open bucket, or null when nothing was delivered.</returns>
    public async Task<ParentReading?> FlushAsync(List<RollupDelta> outbox, bool force, Func<double> expectedPerMinute)
    {
        if (parent is null || outbox.Count == 0 || (!force && outbox.Count < FlushDeltas && outbox.Sum(d => d.Reports) < FlushReports))
        {
            return null;
        }

        var deltas = outbox.ToArray();
        deltas[^1] = deltas[^1] with { ChildExpectedPerMinute = expectedPerMinute() };
        var reading = await forwarder.SendAsync(_parentKey ??= parent.GetPrimaryKeyString(), parent, new ChildRollups(child, deltas));
        // Nothing else runs in the grain meanwhile (no reentrancy): the outbox still starts with these.
        outbox.RemoveRange(0, deltas.Length);
        return reading;
    }

    /// <summary>The reminder fired: delivers the outbox, and drops a reminder an earlier activation left once nothing is owed.</summary>
    public async Task OnReminderAsync(List<RollupDelta> outbox, Func<double> expectedPerMinute)
    {
        await FlushAsync(outbox, force: true, expectedPerMinute);
        if (outbox.Count == 0 && !_reminderHeld)
        {
            await reminders.DropAsync();
        }
    }

    /// <summary>
    /// On deactivation, or when the series goes idle: drops the reminder when the series owes nothing (no reason to be
    /// woken up; held, it would call the series every minute, and a series called every minute is never collected). The
    /// next change that may queue roll-ups holds it again first.
    /// </summary>
    public async Task ReleaseAsync(List<RollupDelta> outbox)
    {
        if (_reminderHeld && outbox.Count == 0)
        {
            await reminders.DropAsync();
            _reminderHeld = false;
        }
    }
}
