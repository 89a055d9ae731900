using System.Collections.Frozen;

namespace Outage.Grains.Abstractions;

/// <summary>
/// The catalog of services (key 0), the source of truth every process copies: seeded with the built-in
/// catalog the first time, changed through AdminService, saved with every change.
/// </summary>
[Alias("outage.ICatalogGrain")]
public interface ICatalogGrain : IGrainWithIntegerKey
{
    /// <summary>The catalog if its version is newer than <paramref name="version"/>; null otherwise.</summary>
    [Alias("GetIfNewer"), Orleans.Concurrency.ReadOnly]
    Task<CatalogSnapshot?> GetIfNewerAsync(long version);

    /// <summary>Adds a service; null when a service with its id exists.</summary>
    [Alias("Create")]
    Task<CatalogSnapshot?> CreateAsync(ServiceDefinition service);

    /// <summary>Replaces the <paramref name="fields"/> of the service with <paramref name="service"/>'s id; null when no service has the id.</summary>
    [Alias("Update")]
    Task<CatalogSnapshot?> UpdateAsync(ServiceDefinition service, ServiceFields fields);

    /// <summary>Removes a service (its history stays, new reports are refused); null when no service has the id.</summary>
    [Alias("Delete")]
    Task<CatalogSnapshot?> DeleteAsync(string serviceId);
}
