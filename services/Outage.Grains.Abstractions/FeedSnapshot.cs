using Outage.Detection;
using Outage.Detection.Incidents;

namespace Outage.Grains.Abstractions;

/// <summary>Every non-NORMAL status and the feed's last sequence number, taken together.</summary>
[GenerateSerializer, Immutable, Alias("outage.FeedSnapshot")]
public sealed record FeedSnapshot([property: Id(0)] long Sequence, [property: Id(1)] IReadOnlyList<SeriesStatusView> Disruptions)
{
    /// <summary>Every service's official statements of the last day, newest first.</summary>
    [Id(2)] public IReadOnlyList<StatementView> Statements { get; init; } = [];
}
