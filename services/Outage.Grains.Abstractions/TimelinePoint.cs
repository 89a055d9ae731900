using Outage.Detection;
using Outage.Detection.Incidents;

namespace Outage.Grains.Abstractions;

/// <summary>One bucket of a series' history.</summary>
[GenerateSerializer, Immutable, Alias("outage.TimelinePoint")]
public readonly record struct TimelinePoint(
    [property: Id(0)] DateTimeOffset Start,
    [property: Id(1)] int Reports,
    [property: Id(2)] float Expected,
    [property: Id(3)] DisruptionLevel Level);
