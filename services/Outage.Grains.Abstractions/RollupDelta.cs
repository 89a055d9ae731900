using Outage.Detection;
using Outage.Detection.Incidents;

namespace Outage.Grains.Abstractions;

/// <summary>The counts of one change of a child series, handed to its parent under the change's roll-up sequence number.</summary>
/// <param name="Sequence">The change's roll-up sequence number (the parent counts each once).</param>
/// <param name="Reports">Reports counted.</param>
/// <param name="Categories">Reports per problem category.</param>
/// <param name="ChildExpectedPerMinute">
/// What the child usually sees per minute, stamped when the delta is sent (0 in deltas queued by earlier versions): a
/// young parent starts from the sum of its children's expectations.
/// </param>
[GenerateSerializer, Immutable, Alias("outage.RollupDelta")]
public sealed record RollupDelta(
    [property: Id(0)] long Sequence,
    [property: Id(1)] int Reports,
    [property: Id(2)] Dictionary<string, int> Categories,
    [property: Id(3)] double ChildExpectedPerMinute = 0);
