using Outage.Detection;

namespace Outage.Grains.Abstractions;

/// <summary>Receives status changes (one observer per silo or edge, which fans them out to its own streams).</summary>
[Alias("outage.IStatusObserver")]
public interface IStatusObserver : IGrainObserver
{
    /// <summary>A series changed level or recovering flag.</summary>
    [Alias("OnStatusChanged")]
    void OnStatusChanged(StatusChange change);
}
