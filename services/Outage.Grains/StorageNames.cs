using Outage.Detection;
using Outage.Grains.Abstractions;

namespace Outage.Grains;

/// <summary>Names of the Orleans providers.</summary>
public static class StorageNames
{
    /// <summary>Grain state storage.</summary>
    public const string State = "outage";
}
