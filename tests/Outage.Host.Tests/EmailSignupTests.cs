using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using static Outage.Host.Tests.NotificationHostFactory;

namespace Outage.Host.Tests;

/// <summary>The page's "notify me" form: an e-mail subscription through the same creation as the API, double opt-in.</summary>
public sealed class EmailSignupTests(EmailHostFactory host) : IClassFixture<EmailHostFactory>
{
    internal static HttpRequestMessage Post(object body, string? origin = "http://localhost")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/web/subscriptions") { Content = JsonContent.Create(body) };
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return request;
    }

    [Fact]
    public async Task ASignUpIsConfirmedByItsLinkBeforeAnythingElseIsSent()
    {
        var http = host.CreateClient();
        var reporter = JsonDocument.Parse(await http.GetStringAsync("/web/reporter")).RootElement;
        Assert.True(reporter.GetProperty("emailNotifications").GetBoolean());

        var before = host.Smtp.Messages.Count;
        var response = await http.SendAsync(Post(new { email = "reader@example.org", serviceId = "threads", region = "SE" }));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("PENDING_CONFIRMATION", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("state").GetString());

        Assert.True(await Reports.Eventually(() => Task.FromResult(host.Smtp.Messages.Count == before + 1), 10), "no confirmation e-mail");
        var confirmation = host.Smtp.Messages.Last();
        Assert.Equal("reader@example.org", confirmation.To.Mailboxes.Single().Address);
        var link = new Uri(Regex.Match(confirmation.TextBody ?? "", @"https://status\.example\.com/notifications/confirm\?\S+").Value);
        var query = System.Web.HttpUtility.ParseQueryString(link.Query);

        // Nothing while unconfirmed, even when the service goes down there.
        await host.SurgeAsync("threads", "SE");
        Assert.True(await Reports.Eventually(async () => await host.LevelAsync("threads", "SE") >= Contracts.V1.DisruptionLevel.Disrupted, 60));
        host.Clock.Advance(TimeSpan.FromSeconds(30));
        await Task.Delay(1000);
        Assert.Equal(before + 1, host.Smtp.Messages.Count);

        using var confirmed = await http.PostAsync("/notifications/confirm", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["subscription"] = query["subscription"]!, ["token"] = query["token"]!,
        }));
        Assert.True(confirmed.IsSuccessStatusCode);
    }

    [Fact]
    public async Task BadSignUpsAreProblemResponsesAndOtherOriginsAreRefused()
    {
        var http = host.CreateClient();
        var bad = await http.SendAsync(Post(new { email = "not an address", serviceId = "myspace", region = "Narnia" }));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = JsonDocument.Parse(await bad.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        Assert.Equal(["email", "region", "serviceId"], errors.EnumerateObject().Select(p => p.Name).Order());
        var missing = await http.SendAsync(Post(new { email = "reader@example.org" }));
        Assert.True(JsonDocument.Parse(await missing.Content.ReadAsStringAsync()).RootElement.GetProperty("errors").TryGetProperty("serviceId", out _));
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(Post(new { email = "reader@example.org", serviceId = "threads" }, "https://evil.example"))).StatusCode);
    }
}

/// <summary>A host that sends no e-mail: the form is not offered and a sign-up is refused as unavailable.</summary>
public sealed class EmailSignupWithoutSmtpTests(WebReportHostFactory host) : IClassFixture<WebReportHostFactory>
{
    [Fact]
    public async Task WithoutSmtpTheFormIsNotOfferedAndASignUpIs503()
    {
        var http = host.CreateClient();
        Assert.False(JsonDocument.Parse(await http.GetStringAsync("/web/reporter")).RootElement.GetProperty("emailNotifications").GetBoolean());
        var response = await http.SendAsync(EmailSignupTests.Post(new { email = "reader@example.org", serviceId = "threads" }));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
