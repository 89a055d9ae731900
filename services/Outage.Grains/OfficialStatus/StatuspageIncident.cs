using System.Text.Json;

namespace Outage.Grains.OfficialStatus;

/// <summary>An incident of a status page.</summary>
public sealed record StatuspageIncident(string Id, string Name, string Status, IReadOnlyList<string> Components, IReadOnlyList<StatuspageUpdate> Updates);
