namespace Outage.Grains.Abstractions;

/// <summary>One child's roll-ups in a call that carries several children's (see <see cref="ISeriesGrain.AddChildRollupsAsync"/>).</summary>
/// <param name="Child">The child series' key, under which the parent counts its sequence numbers.</param>
/// <param name="Deltas">The child's deltas, oldest first.</param>
[GenerateSerializer, Immutable, Alias("outage.ChildRollups")]
public sealed record ChildRollups([property: Id(0)] string Child, [property: Id(1)] RollupDelta[] Deltas);
