using Outage.Grains.Abstractions;
using Outage.Host.Watch;

namespace Outage.Host.Public;

/// <summary>
/// Atom feeds of incidents and official statements: <c>/feeds/incidents.atom</c> (everything),
/// <c>/feeds/owners/{owner}.atom</c> and <c>/feeds/services/{id}.atom</c>; cacheable for a minute, 304 on a matching ETag.
/// </summary>
internal static class FeedEndpoints
{
    /// <summary>How long a feed may be cached: feed readers poll, and a minute is what an incident needs to change.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(60);

    private const string AtomType = "application/atom+xml; charset=utf-8";

    public static void MapFeeds(this IEndpointRouteBuilder app)
    {
        app.MapGet("/feeds/incidents.atom", (HttpContext http, IGrainFactory grains, ServiceCatalog catalog, WatchHub hub) =>
            FeedAsync(http, grains, catalog, hub, "urn:outage:feed:incidents", "Outage: incidents and statements", "", "", catalog.Services.Select(s => s.Id)));
        app.MapGet("/feeds/owners/{owner}.atom", (string owner, HttpContext http, IGrainFactory grains, ServiceCatalog catalog, WatchHub hub) =>
        {
            var services = catalog.Services.Where(s => s.Owner == owner).Select(s => s.Id).ToArray();
            return services.Length == 0
                ? Task.FromResult(Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown owner", detail: $"No service of the catalog belongs to '{owner}'."))
                : FeedAsync(http, grains, catalog, hub, $"urn:outage:feed:owners:{Uri.EscapeDataString(owner)}", $"Outage: {owner}", "", owner, services);
        });
        app.MapGet("/feeds/services/{id}.atom", (string id, HttpContext http, IGrainFactory grains, ServiceCatalog catalog, WatchHub hub) =>
            catalog.Find(id) is { } service
                ? FeedAsync(http, grains, catalog, hub, $"urn:outage:feed:services:{Uri.EscapeDataString(id)}", $"Outage: {service.DisplayName}", id, "", [id])
                : Task.FromResult(Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown service", detail: $"'{id}' is not a service of the catalog (see /v1/services).")));
    }

    private static async Task<IResult> FeedAsync(HttpContext http, IGrainFactory grains, ServiceCatalog catalog, WatchHub hub,
        string id, string title, string serviceId, string owner, IEnumerable<string> statementServices)
    {
        var incidents = await grains.GetGrain<IIncidentLogGrain>(0).ListAsync(serviceId, owner, openOnly: false, AtomStatusFeed.MaxEntries);
        var request = http.Request;
        var page = $"{request.Scheme}://{request.Host}{request.PathBase}";
        var xml = AtomStatusFeed.Write(id, title, page, page + request.Path, incidents, statementServices.SelectMany(hub.Statements),
            service => catalog.Find(service)?.DisplayName ?? service);
        return HttpCaching.Cached(http, xml, AtomType, MaxAge);
    }
}
