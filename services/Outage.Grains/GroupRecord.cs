using Outage.Detection.Incidents;
using Outage.Grains.Abstractions;

namespace Outage.Grains;

/// <summary>A saved group: enough to rebuild it with the engine's correlator.</summary>
[GenerateSerializer, Immutable, Alias("outage.GroupRecord")]
public sealed record GroupRecord(
    [property: Id(0)] string Owner,
    [property: Id(1)] DateTimeOffset OpenedAt,
    [property: Id(2)] IReadOnlyList<string> Members);
