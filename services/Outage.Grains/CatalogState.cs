using Outage.Grains.Abstractions;

namespace Outage.Grains;

/// <summary>The saved catalog.</summary>
[GenerateSerializer, Alias("outage.CatalogState")]
public sealed class CatalogState
{
    /// <summary>The current version; null until the grain first saves.</summary>
    [Id(0)] public CatalogSnapshot? Current { get; set; }
}
