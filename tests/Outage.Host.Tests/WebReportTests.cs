using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Outage.Contracts.V1;
using static Outage.Host.Tests.NotificationHostFactory;

namespace Outage.Host.Tests;

/// <summary>A host with keys whose edge sets <c>CF-IPCountry</c>, as behind Cloudflare, (the per-address quota out of the way: every test client has the same address).</summary>
public sealed class WebReportHostFactory : NotificationHostFactory
{
    protected override void ConfigureNotifications(IWebHostBuilder builder)
    {
        builder.UseSetting("Outage:PublicPage:RegionHeader", "CF-IPCountry");
        builder.UseSetting("Outage:PublicPage:ReportsPerMinutePerAddress", "1000");
    }
}

/// <summary>The status page's report button, as the page calls it: same origin, JSON, the device cookie.</summary>
public sealed class WebReportTests(WebReportHostFactory host) : IClassFixture<WebReportHostFactory>
{
    private const string Origin = "http://localhost";

    private static HttpRequestMessage Post(object body, string? origin = Origin, string? country = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/web/reports") { Content = JsonContent.Create(body) };
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        if (country is not null)
        {
            request.Headers.Add("CF-IPCountry", country);
        }

        return request;
    }

    private async Task<double> ObservedAsync(string service, string region) =>
        (await host.Query().GetStatusAsync(new GetStatusRequest { ServiceId = service, Region = region }, Feeder)).Status.Explanation.Observed;

    [Fact]
    public async Task APressIsCountedOnceForTheDeviceInTheRegionTheEdgeSays()
    {
        var http = host.CreateClient();
        var reporter = await http.GetAsync("/web/reporter");
        var cookie = Assert.Single(reporter.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("outage-device=", cookie);
        Assert.Contains("httponly", cookie.ToLowerInvariant());
        Assert.Contains("samesite=strict", cookie.ToLowerInvariant());
        Assert.Contains("path=/web", cookie.ToLowerInvariant());
        var where = JsonDocument.Parse(await reporter.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("choice", where.GetProperty("source").GetString());

        var before = await ObservedAsync("discord", "NZ");
        // The person chose FR, the edge says NZ: the edge wins.
        var first = await http.SendAsync(Post(new { serviceId = "discord", category = "login", region = "FR" }, country: "NZ"));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var answer = JsonDocument.Parse(await first.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("ACCEPTED", answer.GetProperty("outcome").GetString());
        Assert.Equal("NZ", answer.GetProperty("region").GetString());
        Assert.True(await Reports.Eventually(async () => await ObservedAsync("discord", "NZ") == before + 1), "the press was not counted in NZ");

        var second = await http.SendAsync(Post(new { serviceId = "discord", category = "app", region = "FR" }, country: "NZ"));
        Assert.Equal("DEVICE_ALREADY_COUNTED", JsonDocument.Parse(await second.Content.ReadAsStringAsync()).RootElement.GetProperty("outcome").GetString());
        await Task.Delay(300);
        Assert.Equal(before + 1, await ObservedAsync("discord", "NZ"));

        // With no edge header the person's choice is the region, cut to the country.
        var chosen = await http.SendAsync(Post(new { serviceId = "steam", category = "login", region = "DE-BY" }));
        Assert.Equal("DE", JsonDocument.Parse(await chosen.Content.ReadAsStringAsync()).RootElement.GetProperty("region").GetString());
    }

    [Fact]
    public async Task ARequestFromAnotherOriginOrNotJsonIsRefusedAndBadFieldsAreNamed()
    {
        var http = host.CreateClient();
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(Post(new { serviceId = "discord", category = "login", region = "FR" }, "https://evil.example"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(Post(new { serviceId = "discord", category = "login", region = "FR" }, origin: null))).StatusCode);
        var form = new HttpRequestMessage(HttpMethod.Post, "/web/reports") { Content = new FormUrlEncodedContent([new("serviceId", "discord"), new("category", "login")]) };
        form.Headers.Add("Origin", Origin);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await http.SendAsync(form)).StatusCode);

        var bad = await http.SendAsync(Post(new { serviceId = "discord", category = "feed", region = "Narnia" }));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        var errors = JsonDocument.Parse(await bad.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        Assert.Contains("categories of discord", errors.GetProperty("category")[0].GetString());
        Assert.True(errors.TryGetProperty("region", out _));
        var unknown = await http.SendAsync(Post(new { serviceId = "myspace", category = "login", region = "FR" }));
        Assert.True(JsonDocument.Parse(await unknown.Content.ReadAsStringAsync()).RootElement.GetProperty("errors").TryGetProperty("serviceId", out _));
        var garbled = new HttpRequestMessage(HttpMethod.Post, "/web/reports") { Content = new StringContent("{not json", Encoding.UTF8, "application/json") };
        garbled.Headers.Add("Origin", Origin);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.SendAsync(garbled)).StatusCode);
    }

    [Fact]
    public async Task TheHoneypotCountsNothing()
    {
        var http = host.CreateClient();
        var before = await ObservedAsync("verizon", "NZ");
        var response = await http.SendAsync(Post(new { serviceId = "verizon", category = "calls", region = "NZ", website = "http://spam.example" }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Task.Delay(500);
        Assert.Equal(before, await ObservedAsync("verizon", "NZ"));
    }

    [Fact]
    public async Task ABurstPastTheDeviceQuotaGets429WithRetryAfterAndNothingBeyondTheQuotaIsCounted()
    {
        var http = host.CreateClient();
        await http.GetAsync("/web/reporter");
        // Eight services, so that each press would count (the dedupe is per device and service): the quota is 6 a minute.
        string[] services = ["facebook", "instagram", "whatsapp", "messenger", "threads", "x", "telegram", "youtube"];
        var before = await Task.WhenAll(services.Select(s => ObservedAsync(s, "IS")));
        var statuses = new List<HttpResponseMessage>();
        foreach (var service in services)
        {
            var catalog = (await host.Query().ListServicesAsync(new ListServicesRequest(), Feeder)).Services.Single(s => s.ServiceId == service);
            statuses.Add(await http.SendAsync(Post(new { serviceId = service, category = catalog.Categories[0], region = "IS" })));
        }

        Assert.Equal(6, statuses.Count(r => r.StatusCode == HttpStatusCode.OK));
        var refused = statuses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.Equal(2, refused.Count);
        Assert.All(refused, r => Assert.InRange(int.Parse(r.Headers.GetValues("Retry-After").Single()), 1, 60));
        Assert.Equal("application/problem+json", refused[0].Content.Headers.ContentType?.MediaType);
        await Task.Delay(500);
        var after = await Task.WhenAll(services.Select(s => ObservedAsync(s, "IS")));
        Assert.Equal(6, after.Zip(before, (a, b) => a - b).Sum());
    }
}

/// <summary>A host whose report button allows 3 reports a minute per address and many per device.</summary>
public sealed class TightAddressQuotaHostFactory : NotificationHostFactory
{
    protected override void ConfigureNotifications(IWebHostBuilder builder)
    {
        builder.UseSetting("Outage:PublicPage:ReportsPerMinutePerAddress", "3");
        builder.UseSetting("Outage:PublicPage:ReportsPerMinutePerDevice", "100");
    }
}

/// <summary>The per-address quota holds across devices: new cookies do not buy more reports from one address.</summary>
public sealed class WebReportAddressQuotaTests(TightAddressQuotaHostFactory host) : IClassFixture<TightAddressQuotaHostFactory>
{
    [Fact]
    public async Task DevicesBehindOneAddressShareItsQuota()
    {
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            // A fresh client each time: a new device cookie, the same (test server) address.
            var http = host.CreateClient();
            await http.GetAsync("/web/reporter");
            var request = new HttpRequestMessage(HttpMethod.Post, "/web/reports") { Content = JsonContent.Create(new { serviceId = "att", category = "calls", region = "US" }) };
            request.Headers.Add("Origin", "http://localhost");
            answers.Add((await http.SendAsync(request)).StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], answers);
        var observed = (await host.Query().GetStatusAsync(new GetStatusRequest { ServiceId = "att", Region = "US" }, Feeder)).Status.Explanation.Observed;
        Assert.Equal(3, observed);
    }
}
