using Outage.Grains.Abstractions;

namespace Outage.Grains;

/// <summary>
/// One batch's effect on a series (reports from clients, or a roll-up from a child): what
/// <see cref="SeriesState.Apply"/> does, journaled before the batch is acknowledged.
/// </summary>
[GenerateSerializer, Immutable, Alias("outage.SeriesChange")]
public sealed record SeriesChange(
    [property: Id(0)] long Sequence,
    [property: Id(1)] DateTimeOffset Bucket,
    [property: Id(2)] ulong[] ReportIds,
    [property: Id(3)] ulong[] Devices,
    [property: Id(4)] int Reports,
    [property: Id(5)] Dictionary<string, int> Categories,
    [property: Id(6)] string? Child,
    [property: Id(7)] long ChildSequence)
{
    /// <summary>True when applying it changes nothing but the sequence number.</summary>
    public bool IsEmpty => ReportIds.Length == 0 && Child is null;
}
