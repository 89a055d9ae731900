using Outage.Detection.Incidents;
using Outage.Grains.Abstractions;

namespace Outage.Grains;

/// <summary>The persisted incident history: series incidents and the membership of their groups.</summary>
[GenerateSerializer, Alias("outage.IncidentLogState")]
public sealed class IncidentLogState
{
    /// <summary>Series incidents by id.</summary>
    [Id(0)] public Dictionary<string, IncidentView> Series { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Groups by id.</summary>
    [Id(1)] public Dictionary<string, GroupRecord> Groups { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Official statements by the id of the incident (series or parent) they were posted on, oldest first.</summary>
    [Id(2)] public Dictionary<string, List<StatementView>> Statements { get; set; } = new(StringComparer.Ordinal);
}
