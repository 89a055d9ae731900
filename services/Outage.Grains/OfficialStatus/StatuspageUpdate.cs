using System.Text.Json;

namespace Outage.Grains.OfficialStatus;

/// <summary>One update of an incident: what the owner said, when.</summary>
public sealed record StatuspageUpdate(string Id, string Status, string Body, DateTimeOffset? CreatedAt);
