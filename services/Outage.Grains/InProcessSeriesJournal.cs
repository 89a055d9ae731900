using Outage.Grains.Abstractions;

namespace Outage.Grains;

/// <summary>The embedded default: nothing is journaled; state is saved at bucket close and on deactivation.</summary>
public sealed class InProcessSeriesJournal : ISeriesJournal
{
    /// <inheritdoc />
    public bool IsDurable => false;

    /// <inheritdoc />
    public Task ClaimAsync(string series, string activation) => Task.CompletedTask;

    /// <inheritdoc />
    public Task<IReadOnlyList<SeriesChange>> ReadAsync(string series, long afterSequence) =>
        Task.FromResult<IReadOnlyList<SeriesChange>>([]);

    /// <inheritdoc />
    public Task AppendAsync(string series, string activation, IReadOnlyList<SeriesChange> changes) => Task.CompletedTask;

    /// <inheritdoc />
    public Task TrimAsync(string series, string activation, long throughSequence) => Task.CompletedTask;
}
