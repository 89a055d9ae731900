using System.Text.Json;

namespace Outage.Grains.OfficialStatus;

/// <summary>A component of a status page.</summary>
/// <param name="Name">Its name, such as <c>Instagram Feed</c>.</param>
/// <param name="Status">Its status: <c>operational</c>, <c>degraded_performance</c>, <c>partial_outage</c>, <c>major_outage</c> or <c>under_maintenance</c>.</param>
public sealed record StatuspageComponent(string Name, string Status);
