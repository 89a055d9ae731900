using Grpc.Core;
using Grpc.Net.Client;
using Outage.Contracts.V1;
using Outage.Host.Tests;
using Xunit.Abstractions;

namespace Outage.Integration.Tests;

/// <summary>
/// Notifications on a real cluster (redis-server and silo processes): a receiver that is down while the silo holding the
/// subscription is SIGKILLed gets every notification once it is back, with the ids of the attempts made before the kill.
/// </summary>
public sealed class NotificationFailoverTests(ITestOutputHelper output) : IDisposable
{
    private static readonly System.Text.RegularExpressions.Regex AdminKeyPattern = new(@"outage_admin_[A-Za-z0-9_-]{43}");
    private readonly RedisServer _redis = new();
    private readonly string _clusterId = "it-" + Guid.NewGuid().ToString("N")[..8];
    private readonly List<HostProcess> _hosts = [];

    private static readonly Dictionary<string, string> Settings = new()
    {
        ["Outage__Notifications__AllowHttp"] = "true",
        ["Outage__Notifications__AllowedPrivateNetworks__0"] = "127.0.0.0/8",
        // Retries every 2 s (not 5 s, 5 min, ...), so that the test is about the failover, not the schedule.
        ["Outage__Notifications__RetryDelays__0"] = "00:00:02",
        ["Outage__Notifications__RetryDelays__1"] = "00:00:02",
        ["Outage__Notifications__RetryDelays__2"] = "00:00:02",
        ["Outage__Notifications__RetryDelays__3"] = "00:00:02",
        ["Outage__Notifications__RetryDelays__4"] = "00:00:02",
        ["Outage__Notifications__RetryDelays__5"] = "00:00:02",
        ["Outage__Notifications__RetryDelays__6"] = "00:00:02",
        ["Outage__Notifications__RetryDelays__7"] = "00:00:02",
        ["Outage__Notifications__RetryDelays__8"] = "00:00:02",
        ["Outage__Notifications__RetryDelays__9"] = "00:00:02",
        ["Outage__Notifications__RetryDelays__10"] = "00:01:00",
        ["Outage__Notifications__RetryDelays__11"] = "00:01:00",
        ["Outage__Notifications__RetryDelays__12"] = "00:01:00",
    };

    private async Task<HostProcess> StartAsync()
    {
        var host = new HostProcess("silo", _redis.ConnectionString, _clusterId, Settings);
        _hosts.Add(host);
        await host.WaitHealthyAsync(TimeSpan.FromSeconds(90));
        return host;
    }

    private static async Task SurgeAsync(GrpcChannel channel, string service, string region)
    {
        var intake = new ReportIntakeService.ReportIntakeServiceClient(channel);
        foreach (var chunk in Enumerable.Range(0, 2000).Chunk(500))
        {
            var request = new SubmitReportsRequest();
            request.Reports.AddRange(chunk.Select(_ => new Report
            {
                ReportId = Guid.NewGuid().ToString("N"), ServiceId = service, Region = region, Category = "login", DeviceId = Guid.NewGuid().ToString("N"),
                OccurredAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(DateTime.UtcNow), Platform = Platform.Web, AppVersion = "1.0",
            }));
            await intake.SubmitReportsAsync(request);
        }
    }

    private static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        for (var until = DateTime.UtcNow + timeout; DateTime.UtcNow < until; await Task.Delay(250))
        {
            try
            {
                if (await condition())
                {
                    return true;
                }
            }
            catch (RpcException)
            {
                // a silo going away: ask again
            }
        }

        return false;
    }

    [Fact]
    public async Task AReceiverDownWhileTheSubscriptionsSiloIsKilledGetsEveryNotificationWithTheSameIds()
    {
        var first = await StartAsync();
        var key = AdminKeyPattern.Match(first.LogText()).Value;
        Assert.NotEmpty(key);
        var auth = new Metadata { { "authorization", "Bearer " + key } };
        using var firstChannel = GrpcChannel.ForAddress(first.Address);
        var port = Loopback.FreePort(); // nothing listens there yet: the receiver is down

        // The only silo holds the subscription, the feed and the router.
        var created = await new NotificationService.NotificationServiceClient(firstChannel).CreateSubscriptionAsync(new CreateSubscriptionRequest
        {
            Subscription = new Subscription
            {
                WebhookUrl = $"http://127.0.0.1:{port}/hook", Filter = new() { ServiceIds = { "facebook" }, Regions = { "NL" } },
                Events = { NotificationEvent.DisruptionStarted },
            },
        }, auth);
        var id = created.Subscription.SubscriptionId;
        await SurgeAsync(firstChannel, "facebook", "NL");

        var failedIds = new HashSet<string>();
        Assert.True(await EventuallyAsync(async () =>
        {
            var log = await new NotificationService.NotificationServiceClient(firstChannel).ListDeliveriesAsync(new ListDeliveriesRequest { SubscriptionId = id }, auth);
            failedIds.UnionWith(log.Deliveries.Where(d => !d.Delivered).Select(d => d.MessageId));
            return log.Deliveries.Count(d => !d.Delivered) >= 2;
        }, TimeSpan.FromSeconds(60)), "no failed attempt was recorded");
        output.WriteLine($"failed attempts of {string.Join(", ", failedIds)} before the kill");

        // A second silo joins; the first dies without a word; then the receiver comes back.
        var second = await StartAsync();
        first.Kill();
        var killedAt = DateTime.UtcNow;
        await using var receiver = await WebhookReceiver.StartAsync(port);

        Assert.True(await EventuallyAsync(() => Task.FromResult(receiver.To("/hook").Count > 0), TimeSpan.FromSeconds(150)),
            "the notification never arrived after the silo died\n" + second.LogText());
        var received = receiver.To("/hook");
        output.WriteLine($"delivered {(received[0].At - killedAt).TotalSeconds:0.0} s after the SIGKILL by the surviving silo");
        Assert.Contains(received[0].Id, failedIds);
        Assert.Equal("outage.disruption.started", received[0].Json.GetProperty("type").GetString());
        Assert.Equal("NL", received[0].Json.GetProperty("data").GetProperty("series")[0].GetProperty("region").GetString());

        // The subscription is whole on the survivor: its log shows the delivery of that same message.
        using var secondChannel = GrpcChannel.ForAddress(second.Address);
        var after = await new NotificationService.NotificationServiceClient(secondChannel).ListDeliveriesAsync(new ListDeliveriesRequest { SubscriptionId = id }, auth);
        Assert.Contains(after.Deliveries, d => d.Delivered && d.MessageId == received[0].Id);
        await Task.Delay(3000);
        Assert.Single(receiver.To("/hook").Select(r => r.Id).Distinct());
    }

    public void Dispose()
    {
        foreach (var host in _hosts)
        {
            host.Dispose();
        }

        _redis.Dispose();
    }
}
