namespace Outage.Detection.Incidents;

/// <summary>A parent incident: series incidents of one owner (or one service across regions) that started together.</summary>
/// <param name="Id">Stable id, derived from the owner and the first detection.</param>
/// <param name="Owner">The owner (family), such as <c>meta</c>; a service with no owner is its own owner.</param>
/// <param name="OpenedAt">Detection time of the first member.</param>
/// <param name="Members">Ids of the member series incidents, in the order they joined.</param>
/// <param name="Services">Services affected, in the order they joined.</param>
/// <param name="Regions">Regions affected (empty string for worldwide), in the order they joined.</param>
/// <param name="PeakLevel">Highest level of any member.</param>
/// <param name="ClosedAt">When the last member closed; null while any member is open.</param>
public sealed record GroupIncident(
    string Id,
    string Owner,
    DateTimeOffset OpenedAt,
    IReadOnlyList<string> Members,
    IReadOnlyList<string> Services,
    IReadOnlyList<string> Regions,
    DisruptionLevel PeakLevel,
    DateTimeOffset? ClosedAt)
{
    /// <summary>True while any member is open.</summary>
    public bool IsOpen => ClosedAt is null;
}
