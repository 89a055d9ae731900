using Outage.Detection;
using Outage.Detection.Incidents;

namespace Outage.Grains.Abstractions;

/// <summary>What a series grain decided for one report.</summary>
public enum IngestOutcome : byte
{
    /// <summary>Counted.</summary>
    Accepted = 1,

    /// <summary>A report with the same id was already counted.</summary>
    Duplicate = 2,

    /// <summary>The device already has a counted report for this series within the dedupe window.</summary>
    DeviceAlreadyCounted = 3,
}
