using Outage.Detection;
using Outage.Detection.Incidents;

namespace Outage.Grains.Abstractions;

/// <summary>One change of the status feed.</summary>
[GenerateSerializer, Immutable, Alias("outage.StatusChange")]
public sealed record StatusChange(
    [property: Id(0)] long Sequence,
    [property: Id(1)] SeriesStatusView Status,
    [property: Id(2)] DisruptionLevel PreviousLevel)
{
    /// <summary>The official statement this change carries (the service's worldwide status re-sent with it), or null for a level change.</summary>
    [Id(3)] public StatementView? Statement { get; init; }

    /// <summary>The W3C trace context of the work that made the change, when traced: notification deliveries link to it.</summary>
    [Id(4)] public string? TraceParent { get; init; }
}
