using Microsoft.Extensions.Logging;
using Outage.Grains.Abstractions;

namespace Outage.Grains;

/// <summary>
/// The catalog's source of truth. Every process copies it into its <see cref="ServiceCatalog"/> (polling with
/// its version, so an unchanged catalog costs one small answer); AdminService changes it here.
/// </summary>
public sealed partial class CatalogGrain(
    [PersistentState("catalog", StorageNames.State)] IPersistentState<CatalogState> state,
    ServiceCatalog local,
    ILogger<CatalogGrain> logger) : Grain, ICatalogGrain
{
    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken) => StartOfficialSourcesAsync();

    /// <summary>
    /// The current catalog. Never saved before: this process's copy (the built-in seed on a new cluster),
    /// one version above it so that every process moves to it.
    /// </summary>
    private CatalogSnapshot Current => state.State.Current ??= local.Snapshot with { Version = local.VersionNumber + 1 };

    /// <inheritdoc />
    public Task<CatalogSnapshot?> GetIfNewerAsync(long version) => Task.FromResult(Current.Version > version ? Current : null);

    /// <inheritdoc />
    public Task<CatalogSnapshot?> CreateAsync(ServiceDefinition service) =>
        Find(service.Id) is not null ? Task.FromResult<CatalogSnapshot?>(null) : SaveAsync([.. Current.Services, service]);

    /// <inheritdoc />
    public Task<CatalogSnapshot?> UpdateAsync(ServiceDefinition service, ServiceFields fields)
    {
        if (Find(service.Id) is not { } existing)
        {
            return Task.FromResult<CatalogSnapshot?>(null);
        }

        var updated = existing.With(service, fields);
        return updated.Equals(existing)
            ? Task.FromResult<CatalogSnapshot?>(Current)
            : SaveAsync(Current.Services.Select(s => s.Id == service.Id ? updated : s).ToArray());
    }

    /// <inheritdoc />
    public Task<CatalogSnapshot?> DeleteAsync(string serviceId) =>
        Find(serviceId) is null ? Task.FromResult<CatalogSnapshot?>(null) : SaveAsync(Current.Services.Where(s => s.Id != serviceId).ToArray());

    private ServiceDefinition? Find(string id) => Current.Services.FirstOrDefault(s => s.Id == id);

    private async Task<CatalogSnapshot?> SaveAsync(IReadOnlyList<ServiceDefinition> services)
    {
        var next = new CatalogSnapshot(Current.Version + 1, services);
        var previous = state.State.Current;
        state.State.Current = next;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State.Current = previous; // not saved: not changed
            throw;
        }

        local.Apply(next);
        await StartOfficialSourcesAsync();
        return next;
    }

    /// <summary>
    /// Every service with an official status source has its reader running (idempotent; a removed source stops itself).
    /// Best effort: the catalog never fails because a reader could not be reached (each reader's reminder brings it back).
    /// </summary>
    private async Task StartOfficialSourcesAsync()
    {
        try
        {
            await Task.WhenAll(Current.Services.Where(s => s.OfficialSource is not null)
                .Select(s => GrainFactory.GetGrain<IOfficialStatusGrain>(s.Id).EnsurePollingAsync()));
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            LogReadersNotStarted(logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Official status readers not all started; their reminders will bring them back.")]
    private static partial void LogReadersNotStarted(ILogger logger, Exception exception);
}
