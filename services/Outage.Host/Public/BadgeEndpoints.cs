using Outage.Grains.Abstractions;
using Outage.Host.Watch;

namespace Outage.Host.Public;

/// <summary>
/// <c>/badges/services/{id}.svg</c> and <c>.json</c> (Shields.io endpoint), optionally <c>?region=FR</c>: a service's state
/// from this process's status view (no grain call: embeds are polled by every visitor of the sites that carry them).
/// </summary>
internal static class BadgeEndpoints
{
    /// <summary>How long a badge may be cached: about the time detection needs to move a level.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(60);

    public static void MapBadges(this IEndpointRouteBuilder app)
    {
        app.MapGet("/badges/services/{id}.svg", (string id, string? region, HttpContext http, ServiceCatalog catalog, WatchHub hub) =>
            Badge(id, region, catalog, hub, summary => HttpCaching.Cached(http, StatusBadge.Svg(summary), "image/svg+xml", MaxAge)));
        app.MapGet("/badges/services/{id}.json", (string id, string? region, HttpContext http, ServiceCatalog catalog, WatchHub hub) =>
            Badge(id, region, catalog, hub, summary => HttpCaching.Cached(
                http, System.Text.Json.JsonSerializer.Serialize(StatusBadge.Shields(summary)), "application/json", MaxAge)));
    }

    private static IResult Badge(string id, string? region, ServiceCatalog catalog, WatchHub hub, Func<ServiceSummary, IResult> answer)
    {
        if (catalog.Find(id) is not { } service)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown service",
                detail: $"'{id}' is not a service of the catalog (see /v1/services).");
        }

        region ??= Regions.World;
        if (region.Length > 0 && !Regions.TryValidate(region, out var problem))
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["region"] = [problem!] });
        }

        return answer(ServiceSummary.Of(service, region, hub.Disrupted));
    }
}
