using Outage.Detection;
using Outage.Grains.Abstractions;

namespace Outage.Grains;

/// <summary>What a series last published to the status feed, and whether a new status is a change worth publishing.</summary>
/// <param name="level">The level last published (the detector's level when the series activates).</param>
/// <param name="incidentId">The open incident last published, or empty.</param>
internal sealed class StatusPublication(DisruptionLevel level, string incidentId)
{
    private (DisruptionLevel Level, bool Recovering, string IncidentId) _published = (level, false, incidentId);

    /// <summary>The level last published.</summary>
    public DisruptionLevel Level => _published.Level;

    /// <summary>A change is a new level or, while disrupted, the recovering flag or the incident changing.</summary>
    public bool IsChange(SeriesStatusView status) =>
        status.Level != _published.Level || (status.Level != DisruptionLevel.Normal && (status.Level, status.Recovering, status.IncidentId) != _published);

    /// <summary>Records <paramref name="status"/> as published (only once the feed has it: a failed publish is retried with the next status).</summary>
    public void Published(SeriesStatusView status) => _published = (status.Level, status.Recovering, status.IncidentId);
}
