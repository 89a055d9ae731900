using Outage.Grains.Abstractions;

namespace Outage.Grains;

/// <summary>
/// Where a series keeps its state: the snapshot (grain storage) and, when the acknowledgement is durable, the journal of
/// changes after it, owned by one activation at a time.
/// </summary>
/// <remarks>
/// A change is journaled before it is applied, so a failed append leaves the state untouched and the caller is told to
/// retry. When another activation owns the series (a failover raced this one), <paramref name="retire"/> is called (the
/// grain leaves) and the <see cref="Orleans.Storage.InconsistentStateException"/> goes to the caller, whose retry reaches
/// the new owner; likewise when an append's outcome is unknown (see <see cref="AppendAsync"/>).
/// </remarks>
/// <param name="snapshot">The grain's persistent state.</param>
/// <param name="journal">The journal (the embedded one keeps nothing).</param>
/// <param name="series">The series' grain key.</param>
/// <param name="journaling">True when each change is journaled before it is acknowledged.</param>
/// <param name="retire">Called when this activation must leave: another owns the series, or an append's outcome is unknown.</param>
internal sealed class SeriesStore(IPersistentState<SeriesState> snapshot, ISeriesJournal journal, string series, bool journaling, Action retire)
{
    private readonly string _activation = Guid.NewGuid().ToString("N");

    /// <summary>The state.</summary>
    public SeriesState State => snapshot.State;

    /// <summary>
    /// Fences off any older activation, reads the snapshot and returns the journaled changes it does not hold yet
    /// (acknowledged batches to apply again, oldest first).
    /// </summary>
    public async Task<IReadOnlyList<SeriesChange>> RecoverAsync()
    {
        if (!journaling)
        {
            return [];
        }

        // Claim first, then the snapshot, then the changes after it: an older activation can no longer trim them away.
        await journal.ClaimAsync(series, _activation);
        await snapshot.ReadStateAsync();
        return await journal.ReadAsync(series, State.ChangeSequence);
    }

    /// <summary>Journals <paramref name="changes"/> (when journaling), all or none, before the caller applies them.</summary>
    /// <remarks>
    /// Any failed append retires the activation, not only a fenced one: an append that timed out (Redis stalled) has an
    /// unknown outcome, since Redis may still run it once it answers again. This activation's memory would then lack a
    /// change its journal holds, and the next change would reuse its sequence number; a recovery replaying both counted
    /// the reports twice. The next activation recovers from the journal, which is the truth either way: if the append
    /// landed, its reports are counted and their retry is answered DUPLICATE; if not, the retry is ACCEPTED.
    /// </remarks>
    public async Task AppendAsync(IReadOnlyList<SeriesChange> changes)
    {
        if (!journaling)
        {
            return;
        }

        try
        {
            await journal.AppendAsync(series, _activation, changes);
        }
        catch
        {
            retire();
            throw;
        }
    }

    /// <summary>Writes the snapshot, then drops the journaled changes it now holds.</summary>
    public async Task SaveAsync()
    {
        await Fenced(snapshot.WriteStateAsync);
        if (journaling)
        {
            await journal.TrimAsync(series, _activation, State.ChangeSequence);
        }
    }

    private async Task Fenced(Func<Task> write)
    {
        try
        {
            await write();
        }
        catch (Orleans.Storage.InconsistentStateException)
        {
            retire();
            throw;
        }
    }
}
