using Outage.Detection;

namespace Outage.Grains.Abstractions;

/// <summary>The incident log (key 0): every series incident, grouped by the family correlator, newest first.</summary>
[Alias("outage.IIncidentLogGrain")]
public interface IIncidentLogGrain : IGrainWithIntegerKey
{
    /// <summary>Records an opened, changed or closed series incident.</summary>
    [Alias("Record")]
    Task RecordAsync(IncidentView incident);

    /// <summary>Attaches an official statement to the incident it names (<see cref="StatementView.IncidentId"/>); false when the incident is unknown.</summary>
    [Alias("AttachStatement")]
    Task<bool> AttachStatementAsync(StatementView statement);

    /// <summary>Parent and ungrouped incidents, newest first (by detection time, then id), after <paramref name="after"/> when given.</summary>
    [Alias("List"), Orleans.Concurrency.ReadOnly]
    Task<IncidentView[]> ListAsync(string serviceId, string owner, bool openOnly, int limit, IncidentCursor? after = null);

    /// <summary>One incident and, for a parent, its members; null when unknown.</summary>
    [Alias("Get"), Orleans.Concurrency.ReadOnly]
    Task<IncidentView[]?> GetAsync(string incidentId);
}

/// <summary>Where a page of incidents ended: the last incident's detection time and id (the list's order).</summary>
/// <param name="DetectedAt">The last incident's detection time.</param>
/// <param name="Id">The last incident's id.</param>
[GenerateSerializer, Alias("outage.IncidentCursor")]
public readonly record struct IncidentCursor([property: Id(0)] DateTimeOffset DetectedAt, [property: Id(1)] string Id)
{
    /// <summary>True when <paramref name="incident"/> comes after this cursor in the list's order.</summary>
    public bool Precedes(IncidentView incident) =>
        incident.DetectedAt < DetectedAt || (incident.DetectedAt == DetectedAt && string.CompareOrdinal(incident.Id, Id) > 0);
}
