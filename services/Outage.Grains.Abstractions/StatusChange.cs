using Outage.Detection;
using Outage.Detection.Incidents;

namespace Outage.Grains.Abstractions;

/// <summary>One change of the status feed.</summary>
[GenerateSerializer, Immutable, Alias("outage.StatusChange")]
public sealed record StatusChange(
    [property: Id(0)] long Sequence,
    [property: Id(1)] SeriesStatusView Status,
    [property: Id(2)] DisruptionLevel PreviousLevel);
