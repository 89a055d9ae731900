using System.Net;
using System.Net.Http.Headers;
using System.ServiceModel.Syndication;
using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using Outage.Contracts.V1;
using static Outage.Host.Tests.NotificationHostFactory;

namespace Outage.Host.Tests;

/// <summary>Badges (SVG and Shields.io JSON) and Atom feeds, read anonymously as embeds and feed readers do, on a host with keys.</summary>
public sealed class FeedAndBadgeTests(NotificationHostFactory host) : IClassFixture<NotificationHostFactory>
{
    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";

    [Fact]
    public async Task ABadgeShowsTheLevelInItsColourAndTheRegionWhereItHurts()
    {
        var http = host.CreateClient();
        var quiet = await http.GetAsync("/badges/services/gmail.svg");
        Assert.Equal(HttpStatusCode.OK, quiet.StatusCode);
        Assert.Equal("image/svg+xml", quiet.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(60), quiet.Headers.CacheControl?.MaxAge);
        var svg = XDocument.Parse(await quiet.Content.ReadAsStringAsync());
        XNamespace s = "http://www.w3.org/2000/svg";
        Assert.Equal("gmail: no problems", svg.Root!.Element(s + "title")!.Value);
        Assert.Equal("img", svg.Root.Attribute("role")!.Value);
        Assert.Contains(svg.Descendants(s + "rect"), r => (string?)r.Attribute("fill") == "#1a7f37");

        // The same body again is 304 with the ETag; a stale ETag gets the body.
        var etag = quiet.Headers.ETag!;
        Assert.Equal(HttpStatusCode.NotModified, (await SendAsync(http, "/badges/services/gmail.svg", etag)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(http, "/badges/services/gmail.svg", new EntityTagHeaderValue("\"stale\""))).StatusCode);

        await host.SurgeAsync("youtube", "PT", 1500);
        Assert.True(await Reports.Eventually(async () => await host.LevelAsync("youtube", "PT") >= DisruptionLevel.Disrupted, 60));
        var regional = await host.LevelAsync("youtube", "PT");
        var words = regional == DisruptionLevel.Outage ? "outage" : "problems";
        var colour = regional == DisruptionLevel.Outage ? "cf222e" : "bc4c00";
        Assert.True(await Reports.Eventually(async () => (await Shields(http, "/badges/services/youtube.json?region=PT")).GetProperty("message").GetString() == words, 10));

        var json = await Shields(http, "/badges/services/youtube.json?region=PT");
        Assert.Equal(1, json.GetProperty("schemaVersion").GetInt32());
        Assert.Equal("youtube", json.GetProperty("label").GetString());
        Assert.Equal(colour, json.GetProperty("color").GetString());

        // Worldwide: the worst of worldwide and its regions, naming the region when worldwide is less disrupted.
        var world = await host.LevelAsync("youtube", "");
        var message = (await Shields(http, "/badges/services/youtube.json")).GetProperty("message").GetString();
        Assert.Equal(world >= regional ? words : words + " in PT", message);
        var changed = await SendAsync(http, "/badges/services/gmail.svg", etag);
        Assert.Equal(HttpStatusCode.NotModified, changed.StatusCode); // gmail did not change
        Assert.NotEqual(etag, (await http.GetAsync("/badges/services/youtube.svg?region=PT")).Headers.ETag);
    }

    [Fact]
    public async Task BadInputIsAProblemResponse()
    {
        var http = host.CreateClient();
        var unknown = await http.GetAsync("/badges/services/myspace.svg");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        var region = await http.GetAsync("/badges/services/gmail.json?region=Narnia");
        Assert.Equal(HttpStatusCode.BadRequest, region.StatusCode);
        var problem = JsonDocument.Parse(await region.Content.ReadAsStringAsync()).RootElement;
        Assert.True(problem.GetProperty("errors").TryGetProperty("region", out _));
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/feeds/services/myspace.atom")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/feeds/owners/nobody.atom")).StatusCode);
    }

    [Fact]
    public async Task FeedsAreValidAtomWithStableIdsAndAnswer304()
    {
        var http = host.CreateClient();
        await host.SurgeAsync("instagram", "NL", 1500);
        Assert.True(await Reports.Eventually(async () => await host.LevelAsync("instagram", "NL") >= DisruptionLevel.Disrupted, 60));
        host.Clock.Advance(TimeSpan.FromMinutes(4));
        Assert.True(await Reports.Eventually(async () =>
            (await host.Query().ListDisruptionsAsync(new ListDisruptionsRequest { ServiceId = "instagram" }, Feeder)).Disruptions.Any(d => d.IncidentId.Length > 0), 20));
        var posted = await new AdminService.AdminServiceClient(host.Channel()).PostStatementAsync(
            new PostStatementRequest { ServiceId = "instagram", Text = "Some users cannot load their feed." }, Feeder);
        Assert.NotEqual("", posted.Statement.IncidentId);
        // The feeds list incidents as the page does: a series' incident under its family's parent incident.
        var member = (await host.Query().GetIncidentAsync(new GetIncidentRequest { IncidentId = posted.Statement.IncidentId }, Feeder)).Incident;
        var incidentId = member.ParentIncidentId.Length > 0 ? member.ParentIncidentId : member.IncidentId;

        var response = await http.GetAsync("/feeds/services/instagram.atom");
        Assert.Equal("application/atom+xml", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(60), response.Headers.CacheControl?.MaxAge);
        var body = await response.Content.ReadAsStringAsync();
        var feed = XDocument.Parse(body).Root!;
        Assert.Equal(Atom + "feed", feed.Name);
        Assert.Equal("urn:outage:feed:services:instagram", feed.Element(Atom + "id")!.Value);
        Assert.NotNull(feed.Element(Atom + "updated"));
        Assert.Contains(feed.Elements(Atom + "link"), l => (string?)l.Attribute("rel") == "self" && ((string)l.Attribute("href")!).EndsWith("/feeds/services/instagram.atom"));

        // Parsed by a feed reader (SyndicationFeed's Atom 1.0 reader): an incident entry and the statement's.
        using var reader = XmlReader.Create(new StringReader(body));
        var parsed = SyndicationFeed.Load(reader);
        var incident = Assert.Single(parsed.Items, i => i.Categories.Any(c => c.Name == "incident"));
        Assert.True(incident.Id == "urn:outage:incident:" + Uri.EscapeDataString(incidentId), $"{incident.Id} for {incidentId}");
        Assert.StartsWith("Instagram: ", incident.Title.Text);
        Assert.Contains("(ongoing)", incident.Title.Text);
        Assert.Contains("NL", ((TextSyndicationContent)incident.Content).Text);
        Assert.Contains("Some users cannot load their feed.", ((TextSyndicationContent)incident.Content).Text);
        Assert.EndsWith("/#/incidents/" + Uri.EscapeDataString(incidentId), incident.Links.Single().Uri.ToString());
        Assert.Equal(posted.Statement.PostedTime.ToDateTimeOffset(), incident.LastUpdatedTime);
        var statement = Assert.Single(parsed.Items, i => i.Categories.Any(c => c.Name == "statement"));
        Assert.Equal("Instagram: official statement (feeder)", statement.Title.Text);
        Assert.StartsWith("urn:outage:statement:instagram:", statement.Id);

        // The same feed again: the same ids (stable), and 304 on its ETag.
        var again = await http.GetAsync("/feeds/services/instagram.atom");
        Assert.Equal(body, await again.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotModified, (await SendAsync(http, "/feeds/services/instagram.atom", response.Headers.ETag!)).StatusCode);

        // The owner's feed and the whole feed hold it too; another owner's does not.
        Assert.Contains(Ids(await http.GetStringAsync("/feeds/owners/meta.atom")), id => id.Contains(Uri.EscapeDataString(incidentId)));
        Assert.Contains(Ids(await http.GetStringAsync("/feeds/incidents.atom")), id => id.Contains(Uri.EscapeDataString(incidentId)));
        Assert.DoesNotContain(Ids(await http.GetStringAsync("/feeds/owners/google.atom")), id => id.Contains(Uri.EscapeDataString(incidentId)));
    }

    private static IEnumerable<string> Ids(string atom) => XDocument.Parse(atom).Root!.Elements(Atom + "entry").Select(e => e.Element(Atom + "id")!.Value);

    private static async Task<JsonElement> Shields(HttpClient http, string path) =>
        JsonDocument.Parse(await http.GetStringAsync(path)).RootElement;

    private static Task<HttpResponseMessage> SendAsync(HttpClient http, string path, EntityTagHeaderValue etag)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.IfNoneMatch.Add(etag);
        return http.SendAsync(request);
    }
}
