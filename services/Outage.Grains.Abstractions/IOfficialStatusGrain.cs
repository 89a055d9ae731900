namespace Outage.Grains.Abstractions;

/// <summary>
/// Reads one service's official status source (key: the service id) every few minutes, turning its incident updates into
/// official statements and keeping its component status; the last known state is kept while the source is down.
/// </summary>
[Alias("outage.IOfficialStatusGrain")]
public interface IOfficialStatusGrain : IGrainWithStringKey
{
    /// <summary>Starts reading (idempotent): the catalog calls it for every service with a source.</summary>
    [Alias("Ensure")]
    Task EnsurePollingAsync();

    /// <summary>What the source said last and how reading it goes; null when the service has no source.</summary>
    [Alias("Get"), Orleans.Concurrency.ReadOnly]
    Task<OfficialStatusView?> GetAsync();
}
