namespace Outage.Detection;

/// <summary>How badly a series is disrupted, in the words users see.</summary>
/// <remarks>The numeric order is the order of severity, so levels can be compared.</remarks>
public enum DisruptionLevel
{
    /// <summary>Report volume is within what is usual for this time of day and week.</summary>
    Normal = 0,

    /// <summary>"Possible problems": a significant rise, but less than <see cref="DetectorSettings.DisruptedRatio"/> times the usual volume.</summary>
    Elevated = 1,

    /// <summary>"Problems": a significant rise of at least <see cref="DetectorSettings.DisruptedRatio"/> times the usual volume.</summary>
    Disrupted = 2,

    /// <summary>A significant rise of at least <see cref="DetectorSettings.OutageRatio"/> times the usual volume.</summary>
    Outage = 3,
}
