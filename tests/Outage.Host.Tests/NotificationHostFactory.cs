using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using Microsoft.AspNetCore.Hosting;
using Outage.Contracts.V1;

namespace Outage.Host.Tests;

/// <summary>
/// A host with keys that may hold subscriptions, whose notifications may reach loopback receivers over plain HTTP (the
/// SSRF rule's allow-list, as a developer would configure it).
/// </summary>
public class NotificationHostFactory : OutageHostFactory
{
    /// <summary>A key with notifications:write.</summary>
    public static readonly Metadata Newsdesk = Bearer("newsdesk-key");

    /// <summary>Another key with notifications:write.</summary>
    public static readonly Metadata OtherDesk = Bearer("other-desk-key");

    /// <summary>A key that may only read status.</summary>
    public static readonly Metadata Reader = Bearer("reader-key");

    /// <summary>A key that submits reports and reads status.</summary>
    public static readonly Metadata Feeder = Bearer("feeder-key");

    /// <summary>The page address links in messages point to.</summary>
    public const string PublicBaseUrl = "https://status.example.com";

    public static Metadata Bearer(string key) => new() { { "authorization", "Bearer " + key } };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        void Key(int i, string name, string key, params string[] scopes)
        {
            builder.UseSetting($"Outage:Auth:Keys:{i}:Name", name);
            builder.UseSetting($"Outage:Auth:Keys:{i}:Hash", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))));
            builder.UseSetting($"Outage:Auth:Keys:{i}:CallsPerSecond", "10000");
            for (var s = 0; s < scopes.Length; s++)
            {
                builder.UseSetting($"Outage:Auth:Keys:{i}:Scopes:{s}", scopes[s]);
            }
        }

        Key(0, "newsdesk", "newsdesk-key", "notifications:write");
        Key(1, "other-desk", "other-desk-key", "notifications:write");
        Key(2, "reader", "reader-key", "status:read");
        Key(3, "feeder", "feeder-key", "reports:write", "status:read", "admin");
        builder.UseSetting("Outage:Notifications:AllowHttp", "true");
        builder.UseSetting("Outage:Notifications:AllowedPrivateNetworks:0", "127.0.0.0/8");
        builder.UseSetting("Outage:Notifications:PollInterval", "00:00:00.100");
        builder.UseSetting("Outage:Notifications:PublicBaseUrl", PublicBaseUrl);
        ConfigureNotifications(builder);
    }

    /// <summary>More settings for a derived factory.</summary>
    protected virtual void ConfigureNotifications(IWebHostBuilder builder)
    {
    }

    public NotificationService.NotificationServiceClient Notifications() => new(Channel());

    /// <summary>Reports from <paramref name="count"/> distinct devices on a series, within seconds: a cold-start surge.</summary>
    public async Task SurgeAsync(string service, string region, int count = 2000, string category = "login")
    {
        foreach (var chunk in Enumerable.Range(0, count).Chunk(500))
        {
            var request = new SubmitReportsRequest();
            request.Reports.AddRange(chunk.Select(_ => Reports.Valid(this, service, region, category)));
            var response = await Intake().SubmitReportsAsync(request, Feeder);
            Assert.All(response.Results, r => Assert.Equal(ReportOutcome.Accepted, r.Outcome));
        }
    }

    /// <summary>The series' level now.</summary>
    public async Task<DisruptionLevel> LevelAsync(string service, string region) =>
        (await Query().GetStatusAsync(new GetStatusRequest { ServiceId = service, Region = region }, Feeder)).Status.Level;

    /// <summary>Moves the product clock and lets the given series close their buckets.</summary>
    public async Task AdvanceAsync(TimeSpan by, params (string Service, string Region)[] series)
    {
        Clock.Advance(by);
        foreach (var (service, region) in series)
        {
            await LevelAsync(service, region);
        }
    }
}
