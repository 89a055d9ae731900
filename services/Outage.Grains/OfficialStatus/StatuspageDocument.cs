using System.Text.Json;

namespace Outage.Grains.OfficialStatus;

/// <summary>The parts of an Atlassian Statuspage API answer that Outage reads (summary.json, incidents.json).</summary>
/// <param name="PageName">The page's name.</param>
/// <param name="Components">Component name and status (<c>operational</c>, <c>degraded_performance</c>, ...).</param>
/// <param name="Incidents">Incidents, with the names of the components they affect and their updates.</param>
public sealed record StatuspageDocument(string PageName, IReadOnlyList<StatuspageComponent> Components, IReadOnlyList<StatuspageIncident> Incidents)
{
    /// <summary>Reads a Statuspage JSON answer; throws <see cref="FormatException"/> when it is not one.</summary>
    public static StatuspageDocument Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            using var document = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 32 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("page", out var page) || page.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("not a Statuspage answer (no \"page\" object)");
            }

            var components = Array(root, "components").Select(c => new StatuspageComponent(Text(c, "name"), Text(c, "status"))).ToArray();
            var incidents = Array(root, "incidents").Select(i => new StatuspageIncident(
                Text(i, "id"), Text(i, "name"), Text(i, "status"),
                Array(i, "components").Select(c => Text(c, "name")).ToArray(),
                Array(i, "incident_updates").Select(u => new StatuspageUpdate(Text(u, "id"), Text(u, "status"), Text(u, "body"), Time(u, "created_at"))).ToArray()))
                .ToArray();
            return new StatuspageDocument(Text(page, "name"), components, incidents);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException)
        {
            throw new FormatException($"not Statuspage JSON ({e.Message})", e);
        }
    }

    private static IEnumerable<JsonElement> Array(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array ? array.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object) : [];

    private static string Text(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";

    private static DateTimeOffset? Time(JsonElement parent, string name) =>
        DateTimeOffset.TryParse(Text(parent, name), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var t) ? t : null;
}
