using Outage.Detection;
using Outage.Detection.Incidents;

namespace Outage.Grains.Abstractions;

/// <summary>A category and its share of recent reports.</summary>
[GenerateSerializer, Immutable, Alias("outage.CategoryShareView")]
public sealed record CategoryShareView([property: Id(0)] string Category, [property: Id(1)] double Share);
