using Outage.Detection;

namespace Outage.Grains.Notifications;

/// <summary>What a subscription's receiver was last told about one series.</summary>
/// <param name="Level">The level told (NORMAL after "resolved"), as the subscription sees levels (below its minimum level is NORMAL).</param>
/// <param name="Recovering">Whether it was told the series is recovering.</param>
/// <param name="Since">When the receiver was told the series is disrupted (product clock).</param>
[GenerateSerializer, Immutable, Alias("outage.ToldState")]
public sealed record ToldState([property: Id(0)] DisruptionLevel Level, [property: Id(1)] bool Recovering, [property: Id(2)] DateTimeOffset Since);
