namespace Outage.Host.Catalog;

/// <summary>How this process keeps its copy of the catalog, bound from <c>Outage:Catalog</c>.</summary>
public sealed class CatalogSyncOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Outage:Catalog";

    /// <summary>How often the catalog grain is asked for a newer version (default 2 s).</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(2);
}
