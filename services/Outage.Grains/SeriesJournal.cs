using Outage.Grains.Abstractions;

namespace Outage.Grains;

/// <summary>
/// Where a series journals each batch's <see cref="SeriesChange"/> between snapshots of its state, so an
/// acknowledged batch survives the loss of its silo at the cost of one small append per batch rather than
/// a rewrite of the whole state. The journal of a series belongs to one activation at a time: claiming it
/// fences off any older activation, whose later appends fail.
/// </summary>
public interface ISeriesJournal
{
    /// <summary>False for the embedded journal, which keeps nothing (state lives in the process's memory anyway).</summary>
    bool IsDurable { get; }

    /// <summary>
    /// Claims the journal of <paramref name="series"/> for <paramref name="activation"/>: from now on only
    /// its appends and trims succeed. Claim first, then read the snapshot, then the changes after it: an
    /// older activation can no longer trim away changes the snapshot read does not hold.
    /// </summary>
    Task ClaimAsync(string series, string activation);

    /// <summary>The changes after <paramref name="afterSequence"/>, oldest first.</summary>
    Task<IReadOnlyList<SeriesChange>> ReadAsync(string series, long afterSequence);

    /// <summary>
    /// Appends changes (numbered in order) all or none; throws <see cref="Orleans.Storage.InconsistentStateException"/>
    /// when another activation has claimed the journal since.
    /// </summary>
    Task AppendAsync(string series, string activation, IReadOnlyList<SeriesChange> changes);

    /// <summary>Drops the changes up to <paramref name="throughSequence"/>, which a written snapshot now holds.</summary>
    Task TrimAsync(string series, string activation, long throughSequence);
}
