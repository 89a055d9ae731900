using Outage.Detection;

namespace Outage.Grains.Abstractions.Notifications;

/// <summary>Which series a subscription is about. Empty lists match everything.</summary>
[GenerateSerializer, Immutable, Alias("outage.SubscriptionFilter")]
public sealed record SubscriptionFilter
{
    /// <summary>Services (ids); empty for any service (of <see cref="Owner"/>, when set).</summary>
    [Id(0)] public IReadOnlyList<string> ServiceIds { get; init; } = [];

    /// <summary>The owner whose services are watched (e.g. <c>meta</c>); empty for any owner.</summary>
    [Id(1)] public string Owner { get; init; } = "";

    /// <summary>Regions: a country (<c>US</c>) also matches its subdivisions (<c>US-CA</c>); <see cref="Regions.World"/> (empty) is the worldwide series. Empty list: every region.</summary>
    [Id(2)] public IReadOnlyList<string> Regions { get; init; } = [];

    /// <summary>The lowest level that counts as disrupted for this subscription (DISRUPTED or OUTAGE).</summary>
    [Id(3)] public DisruptionLevel MinLevel { get; init; } = DisruptionLevel.Disrupted;

    /// <summary>True when the filter covers <paramref name="series"/>, a series of a service owned by <paramref name="serviceOwner"/>.</summary>
    public bool Matches(SeriesKey series, string serviceOwner) =>
        (ServiceIds.Count == 0 || ServiceIds.Contains(series.ServiceId))
        && (Owner.Length == 0 || Owner == serviceOwner)
        && (Regions.Count == 0 || Regions.Any(r => r == series.Region || (r.Length > 0 && series.Region.StartsWith(r + "-", StringComparison.Ordinal))));

    /// <summary>True when the filter covers any series of the service (for statements, which are about a service).</summary>
    public bool MatchesService(string serviceId, string serviceOwner) =>
        (ServiceIds.Count == 0 || ServiceIds.Contains(serviceId)) && (Owner.Length == 0 || Owner == serviceOwner);
}
