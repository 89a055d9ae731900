using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Outage.Contracts.V1;
using static Outage.Host.Tests.NotificationHostFactory;

namespace Outage.Host.Tests;

/// <summary>A host whose e-mail notifications go through a real SMTP server started by the test.</summary>
public sealed class EmailHostFactory : NotificationHostFactory
{
    public SmtpTestServer Smtp { get; } = new();

    protected override void ConfigureNotifications(IWebHostBuilder builder)
    {
        builder.UseSetting("Outage:Notifications:Smtp:Host", "127.0.0.1");
        builder.UseSetting("Outage:Notifications:Smtp:Port", Smtp.Port.ToString());
        builder.UseSetting("Outage:Notifications:Smtp:UseStartTls", "false");
        builder.UseSetting("Outage:Notifications:Smtp:From", "alerts@status.example.com");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Smtp.Dispose();
    }
}

/// <summary>E-mail subscriptions: double opt-in, nothing before confirmation, an unsubscribe link and header in every message.</summary>
public sealed class EmailNotificationTests(EmailHostFactory host) : IClassFixture<EmailHostFactory>
{
    private const string Address = "desk@news.example.com";

    private async Task<Subscription> GetAsync(string id) =>
        (await host.Notifications().GetSubscriptionAsync(new GetSubscriptionRequest { SubscriptionId = id }, Newsdesk)).Subscription;

    /// <summary>A link of a message, as a path and query on the host (the message names the public address).</summary>
    private static string Local(string link) => link.Replace(PublicBaseUrl, "", StringComparison.Ordinal);

    [Fact]
    public async Task AnAddressIsMailedOnlyAfterItConfirmedAndEveryMessageLetsItUnsubscribe()
    {
        var created = await host.Notifications().CreateSubscriptionAsync(new CreateSubscriptionRequest
        {
            Subscription = new Subscription { Email = Address, Filter = new() { ServiceIds = { "facebook" }, Regions = { "PT", "BR" } } },
        }, Newsdesk);
        var id = created.Subscription.SubscriptionId;
        Assert.Equal(SubscriptionState.PendingConfirmation, created.Subscription.State);
        Assert.Empty(created.SigningSecret);

        // The confirmation comes first.
        Assert.True(await Reports.Eventually(() => Task.FromResult(host.Smtp.Messages.Count == 1), 10), "no confirmation e-mail");
        var confirmation = host.Smtp.Messages.Single();
        Assert.Equal(Address, confirmation.To.Mailboxes.Single().Address);
        Assert.Contains("Confirm", confirmation.Subject);
        var confirmLink = Regex.Match(confirmation.TextBody ?? "", @"https://status\.example\.com/notifications/confirm\?\S+").Value;
        Assert.NotEmpty(confirmLink);

        // Nothing before confirmation, even when the service goes down.
        await host.SurgeAsync("facebook", "PT");
        Assert.True(await Reports.Eventually(async () => await host.LevelAsync("facebook", "PT") >= DisruptionLevel.Disrupted, 60));
        host.Clock.Advance(TimeSpan.FromSeconds(15));
        await Task.Delay(1500);
        Assert.Single(host.Smtp.Messages);
        Assert.Equal(0, (await GetAsync(id)).OutboxDepth);

        // Opening the link shows a button; only its POST confirms (mail scanners that open links confirm nothing).
        var http = host.CreateClient();
        var page = await http.GetStringAsync(Local(confirmLink));
        Assert.Contains("<form method=\"post\" action=\"/notifications/confirm\">", page);
        Assert.Equal(SubscriptionState.PendingConfirmation, (await GetAsync(id)).State);
        var query = System.Web.HttpUtility.ParseQueryString(new Uri(confirmLink).Query);
        using var wrong = await http.PostAsync("/notifications/confirm", new FormUrlEncodedContent(new Dictionary<string, string> { ["subscription"] = id, ["token"] = "guess" }));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, wrong.StatusCode);
        using var confirmed = await http.PostAsync("/notifications/confirm", new FormUrlEncodedContent(new Dictionary<string, string> { ["subscription"] = id, ["token"] = query["token"]! }));
        Assert.True(confirmed.IsSuccessStatusCode);
        Assert.Equal(SubscriptionState.Active, (await GetAsync(id)).State);

        // Now a disruption is mailed, with the unsubscribe link in the text and the one-click header.
        await host.SurgeAsync("facebook", "BR");
        Assert.True(await Reports.Eventually(async () => await host.LevelAsync("facebook", "BR") >= DisruptionLevel.Disrupted, 60));
        Assert.True(await Reports.Eventually(async () => (await GetAsync(id)).OutboxDepth > 0 || host.Smtp.Messages.Count > 1, 10));
        host.Clock.Advance(TimeSpan.FromSeconds(15));
        Assert.True(await Reports.Eventually(() => Task.FromResult(host.Smtp.Messages.Count == 2), 10),
            $"no notification e-mail after confirming: server {host.Smtp.Running.Status} {host.Smtp.Running.Exception}, {host.Smtp.Messages.Count} messages, outbox {(await GetAsync(id)).OutboxDepth}, log "
            + string.Join("; ", (await host.Notifications().ListDeliveriesAsync(new ListDeliveriesRequest { SubscriptionId = id }, Newsdesk)).Deliveries));
        var notice = host.Smtp.Messages.Last();
        Assert.Contains("Facebook in BR", notice.Subject);
        Assert.Contains("Facebook in BR", notice.TextBody);
        Assert.Contains($"{PublicBaseUrl}/#/services/facebook/BR", notice.TextBody);
        var header = notice.Headers["List-Unsubscribe"];
        Assert.Equal("List-Unsubscribe=One-Click", notice.Headers["List-Unsubscribe-Post"]);
        var unsubscribeLink = header!.Trim('<', '>');
        Assert.Contains(unsubscribeLink, notice.TextBody);

        // One-click unsubscribe (RFC 8058): a POST to the header's URL.
        using var unsubscribed = await http.PostAsync(Local(unsubscribeLink), new StringContent("List-Unsubscribe=One-Click", Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.True(unsubscribed.IsSuccessStatusCode);
        var after = await GetAsync(id);
        Assert.Equal(SubscriptionState.Disabled, after.State);
        Assert.Contains("unsubscribed", after.DisabledReason);
    }
}
