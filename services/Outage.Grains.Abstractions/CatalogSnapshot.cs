using System.Collections.Frozen;

namespace Outage.Grains.Abstractions;

/// <summary>One version of the catalog, as the catalog grain hands it to every process.</summary>
/// <param name="Version">Increases with every change; 0 for the built-in seed no grain has confirmed yet.</param>
/// <param name="Services">Every service.</param>
[GenerateSerializer, Immutable, Alias("outage.CatalogSnapshot")]
public sealed record CatalogSnapshot([property: Id(0)] long Version, [property: Id(1)] IReadOnlyList<ServiceDefinition> Services);
