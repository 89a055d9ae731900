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

    /// <summary>Parent and ungrouped incidents, newest first.</summary>
    [Alias("List"), Orleans.Concurrency.ReadOnly]
    Task<IncidentView[]> ListAsync(string serviceId, string owner, bool openOnly, int limit);

    /// <summary>One incident and, for a parent, its members; null when unknown.</summary>
    [Alias("Get"), Orleans.Concurrency.ReadOnly]
    Task<IncidentView[]?> GetAsync(string incidentId);
}
