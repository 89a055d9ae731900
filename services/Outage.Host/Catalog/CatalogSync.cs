using Microsoft.Extensions.Diagnostics.HealthChecks;
using Outage.Grains;
using Outage.Grains.Abstractions;

namespace Outage.Host.Catalog;

/// <summary>
/// Keeps this process's <see cref="ServiceCatalog"/> at the catalog grain's version: asks every
/// <c>Outage:Catalog:RefreshInterval</c> (2 s) with the version it holds, so an unchanged catalog costs one
/// small answer. Also a readiness check: a process is not ready before its first copy, so a new pod never
/// validates reports against the built-in catalog once operators have changed it.
/// </summary>
public sealed partial class CatalogSync(IGrainFactory grains, ServiceCatalog catalog, Microsoft.Extensions.Options.IOptions<CatalogSyncOptions> options, ILogger<CatalogSync> logger)
    : BackgroundService, IHealthCheck
{
    private readonly TimeSpan _interval = options.Value.RefreshInterval;
    private volatile bool _synced;

    /// <summary>Fetches the catalog grain's version if newer than this process's copy and applies it.</summary>
    public async Task SyncAsync()
    {
        if (await grains.GetGrain<ICatalogGrain>(0).GetIfNewerAsync(catalog.VersionNumber) is { } newer && catalog.Apply(newer))
        {
            LogCatalogChanged(logger, newer.Version, newer.Services.Count);
        }

        _synced = true;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_interval);
        do
        {
            try
            {
                await SyncAsync();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogSyncFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).AsTask().ContinueWith(t => t.IsCompletedSuccessfully && t.Result, TaskScheduler.Default));
    }

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_synced ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("catalog not copied from the cluster yet"));

    [LoggerMessage(Level = LogLevel.Information, Message = "Catalog now at version {Version} with {Count} services.")]
    private static partial void LogCatalogChanged(ILogger logger, long version, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Catalog refresh failed; the previous copy stays in use.")]
    private static partial void LogSyncFailed(ILogger logger, Exception exception);
}
