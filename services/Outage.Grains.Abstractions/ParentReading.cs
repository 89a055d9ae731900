namespace Outage.Grains.Abstractions;

/// <summary>
/// What a parent series answers a child that handed it roll-ups: its open bucket as it stands, including what the child
/// just delivered. A young child compares it with its own count (see <see cref="Outage.Detection.SeriesDetector.ParentSees"/>).
/// </summary>
/// <param name="BucketStart">Start of the parent's open bucket.</param>
/// <param name="Observed">Reports the parent has counted in that bucket so far.</param>
/// <param name="UsualSoFar">Reports the parent usually has by this point of the bucket.</param>
/// <param name="Mature">False while the parent is young itself: its usual level is then a guess.</param>
[GenerateSerializer, Immutable, Alias("outage.ParentReading")]
public sealed record ParentReading(
    [property: Id(0)] DateTimeOffset BucketStart,
    [property: Id(1)] double Observed,
    [property: Id(2)] double UsualSoFar,
    [property: Id(3)] bool Mature);
