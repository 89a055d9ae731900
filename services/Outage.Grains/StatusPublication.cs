using Outage.Detection;
using Outage.Grains.Abstractions;

namespace Outage.Grains;

/// <summary>
/// What a series last published to the status feed: publishes a status when it is a change worth publishing (a new
/// level or, while disrupted, the recovering flag or the incident changing), and counts level changes.
/// </summary>
/// <param name="feed">The status feed.</param>
/// <param name="metrics">The product's metrics.</param>
/// <param name="level">The level last published (the detector's level when the series activates).</param>
/// <param name="incidentId">The open incident last published, or empty.</param>
internal sealed class StatusPublication(IStatusFeedGrain feed, OutageMetrics metrics, DisruptionLevel level, string incidentId)
{
    private (DisruptionLevel Level, bool Recovering, string IncidentId) _published = (level, false, incidentId);

    /// <summary>The level last published.</summary>
    public DisruptionLevel Level => _published.Level;

    /// <summary>Publishes <paramref name="status"/> if it is a change; recorded as published only once the feed has it (a failed publish is retried with the next status).</summary>
    public async Task PublishAsync(SeriesStatusView status)
    {
        var before = _published.Level;
        if (status.Level != before || (status.Level != DisruptionLevel.Normal && (status.Level, status.Recovering, status.IncidentId) != _published))
        {
            await feed.PublishAsync(status, before);
        }

        if (status.Level != before)
        {
            metrics.LevelChanged(before, status.Level);
        }

        _published = (status.Level, status.Recovering, status.IncidentId);
    }
}
