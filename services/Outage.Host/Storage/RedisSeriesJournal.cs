using Orleans.Serialization;
using Orleans.Storage;
using Outage.Grains;
using Outage.Grains.Abstractions;
using StackExchange.Redis;

namespace Outage.Host.Storage;

/// <summary>
/// The series journal in Redis: per series, a sorted set of serialized <see cref="SeriesChange"/>s scored
/// by sequence number and an owner key naming the activation that claimed it. Appends and trims are Lua
/// scripts that check the owner first, so an activation fenced off by a newer one cannot write.
/// </summary>
/// <remarks>
/// Hand-written because neither Orleans nor its Redis providers offer an append-only log with fencing
/// (Orleans' event-sourcing log storage rewrites the whole log into grain storage on every append).
/// Keys carry a hash tag, so a series' two keys share a slot on a Redis Cluster.
/// </remarks>
public sealed class RedisSeriesJournal(IConnectionMultiplexer redis, Serializer<SeriesChange> serializer, string serviceId) : ISeriesJournal
{
    private const string AppendScript = """
        if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
        for i = 2, #ARGV, 2 do redis.call('ZADD', KEYS[1], ARGV[i], ARGV[i + 1]) end
        return 1
        """;

    private const string TrimScript = """
        if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
        return 1
        """;

    /// <inheritdoc />
    public bool IsDurable => true;

    /// <inheritdoc />
    public Task ClaimAsync(string series, string activation) =>
        redis.GetDatabase().StringSetAsync(OwnerKey(series), activation);

    /// <inheritdoc />
    public async Task<IReadOnlyList<SeriesChange>> ReadAsync(string series, long afterSequence)
    {
        var entries = await redis.GetDatabase().SortedSetRangeByScoreAsync(JournalKey(series), afterSequence, double.PositiveInfinity, Exclude.Start);
        return entries.Select(e => serializer.Deserialize((byte[])e!) ?? throw new InvalidDataException($"An empty change in the journal of {series}.")).ToArray();
    }

    /// <inheritdoc />
    public async Task AppendAsync(string series, string activation, IReadOnlyList<SeriesChange> changes)
    {
        // One script for the lot: a parent takes many children's roll-ups in one call, and they land together or not at all.
        var arguments = new RedisValue[1 + 2 * changes.Count];
        arguments[0] = activation;
        for (var i = 0; i < changes.Count; i++)
        {
            arguments[1 + 2 * i] = changes[i].Sequence;
            arguments[2 + 2 * i] = serializer.SerializeToArray(changes[i]);
        }

        var appended = (int)await redis.GetDatabase().ScriptEvaluateAsync(AppendScript, [JournalKey(series), OwnerKey(series)], arguments);
        if (appended == 0)
        {
            throw Fenced(series);
        }
    }

    /// <inheritdoc />
    public async Task TrimAsync(string series, string activation, long throughSequence)
    {
        var trimmed = (int)await redis.GetDatabase().ScriptEvaluateAsync(TrimScript,
            [JournalKey(series), OwnerKey(series)], [activation, throughSequence]);
        if (trimmed == 0)
        {
            throw Fenced(series);
        }
    }

    private RedisKey JournalKey(string series) => $"outage:{{{serviceId}/{series}}}:journal";

    private RedisKey OwnerKey(string series) => $"outage:{{{serviceId}/{series}}}:owner";

    private static InconsistentStateException Fenced(string series) =>
        new($"The journal of series {series} was claimed by a newer activation.");
}
