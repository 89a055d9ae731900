using System.Collections.Frozen;

namespace Outage.Grains.Abstractions;

/// <summary>A service users report on, with its owner (family), problem categories and detection settings.</summary>
/// <param name="Id">Service id, such as <c>facebook</c> (lower case letters, digits and dashes).</param>
/// <param name="DisplayName">Name to show, such as <c>Facebook</c>.</param>
/// <param name="Owner">Owner or family, such as <c>meta</c>; incidents of one owner that start together are grouped.</param>
/// <param name="Categories">Problem categories users can pick.</param>
/// <param name="MinDistinctReporters">Extra distinct reporters needed before a series of this service leaves NORMAL.</param>
[GenerateSerializer, Immutable, Alias("outage.ServiceDefinition")]
public sealed record ServiceDefinition(
    [property: Id(0)] string Id,
    [property: Id(1)] string DisplayName,
    [property: Id(2)] string Owner,
    [property: Id(3)] IReadOnlyList<string> Categories,
    [property: Id(4)] int MinDistinctReporters = 10)
{
    /// <summary>
    /// Target rate of false disruptions per series per 30 days for this service's series; 0 for the cluster's
    /// setting. Lower makes a noisy service's detector less eager.
    /// </summary>
    [Id(5)] public double FalseAlarmsPer30Days { get; init; }

    /// <summary>The service's own status page, read automatically; null when it has none.</summary>
    [Id(6)] public OfficialStatusSource? OfficialSource { get; init; }

    /// <summary>This service with the <paramref name="fields"/> of <paramref name="update"/>.</summary>
    public ServiceDefinition With(ServiceDefinition update, ServiceFields fields) => this with
    {
        DisplayName = fields.HasFlag(ServiceFields.DisplayName) ? update.DisplayName : DisplayName,
        Owner = fields.HasFlag(ServiceFields.Owner) ? update.Owner : Owner,
        Categories = fields.HasFlag(ServiceFields.Categories) ? update.Categories : Categories,
        MinDistinctReporters = fields.HasFlag(ServiceFields.MinDistinctReporters) ? update.MinDistinctReporters : MinDistinctReporters,
        FalseAlarmsPer30Days = fields.HasFlag(ServiceFields.FalseAlarmsPer30Days) ? update.FalseAlarmsPer30Days : FalseAlarmsPer30Days,
        OfficialSource = fields.HasFlag(ServiceFields.OfficialSource) ? update.OfficialSource : OfficialSource,
    };

    /// <summary>True when the detector of this service's series must change to go from <paramref name="other"/> to this.</summary>
    public bool DetectionDiffers(ServiceDefinition other) =>
        MinDistinctReporters != other.MinDistinctReporters || FalseAlarmsPer30Days != other.FalseAlarmsPer30Days;

    /// <summary>Structural equality, categories compared item by item.</summary>
    public bool Equals(ServiceDefinition? other) =>
        other is not null && Id == other.Id && DisplayName == other.DisplayName && Owner == other.Owner
        && Categories.SequenceEqual(other.Categories) && !DetectionDiffers(other) && Equals(OfficialSource, other.OfficialSource);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Id, DisplayName, Owner, Categories.Count, MinDistinctReporters, FalseAlarmsPer30Days);
}
