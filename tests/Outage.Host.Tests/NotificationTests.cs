using System.Security.Cryptography;
using System.Text;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Outage.Contracts.V1;
using Outage.Grains;
using Outage.Grains.Abstractions;
using Outage.Grains.Abstractions.Notifications;
using Outage.Grains.Notifications;
using SubscriptionState = Outage.Contracts.V1.SubscriptionState;
using static Outage.Host.Tests.NotificationHostFactory;

namespace Outage.Host.Tests;

/// <summary>
/// Webhook subscriptions through the real host: series disrupted by real reports, notifications delivered to a real HTTP
/// receiver, the product clock moved by hand (coalescing waits, retry waits and the rate bound are product time).
/// </summary>
public sealed class NotificationTests(NotificationHostFactory host) : IClassFixture<NotificationHostFactory>
{
    private async Task<CreateSubscriptionResponse> SubscribeAsync(string url, string service, string region, Metadata? key = null, params NotificationEvent[] events)
    {
        var subscription = new Subscription { WebhookUrl = url, Filter = new() { ServiceIds = { service }, Regions = { region } } };
        subscription.Events.AddRange(events);
        return await host.Notifications().CreateSubscriptionAsync(new CreateSubscriptionRequest { Subscription = subscription }, key ?? Newsdesk);
    }

    private Task<Subscription> GetAsync(string id) =>
        host.Notifications().GetSubscriptionAsync(new GetSubscriptionRequest { SubscriptionId = id }, Newsdesk).ResponseAsync.ContinueWith(t => t.Result.Subscription);

    /// <summary>
    /// The subscription's delivery log once it holds <paramref name="attempts"/> entries: the receiver sees a request
    /// before the grain has recorded how it was answered, so reading the log straight after the receiver is a race.
    /// </summary>
    private async Task<IReadOnlyList<Delivery>> DeliveriesAsync(string subscriptionId, int attempts)
    {
        IReadOnlyList<Delivery> log = [];
        Assert.True(
            await Reports.Eventually(async () =>
                (log = (await host.Notifications().ListDeliveriesAsync(new ListDeliveriesRequest { SubscriptionId = subscriptionId }, Newsdesk)).Deliveries).Count >= attempts, 10),
            $"the delivery log holds {log.Count} attempts, not {attempts}");
        return log;
    }

    /// <summary>Surges a series, waits until its change is in the subscription's outbox, then lets the coalescing window pass.</summary>
    private async Task DisruptAsync(string service, string region, string subscriptionId)
    {
        await host.SurgeAsync(service, region);
        Assert.True(await Reports.Eventually(async () => await host.LevelAsync(service, region) >= DisruptionLevel.Disrupted, 60), $"{service}/{region} was not disrupted");
        Assert.True(await Reports.Eventually(async () => (await GetAsync(subscriptionId)).OutboxDepth > 0 || (await GetAsync(subscriptionId)).LastDeliveryTime is not null, 10));
        host.Clock.Advance(TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task AWebhookIsSignedAsStandardWebhooksAndCarriesTheSeriesItsLevelAndALink()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var created = await SubscribeAsync(receiver.Address + "/signed", "facebook", "FR");
        Assert.StartsWith("whsec_", created.SigningSecret);
        Assert.Equal(SubscriptionState.Active, created.Subscription.State);

        await DisruptAsync("facebook", "FR", created.Subscription.SubscriptionId);
        Assert.True(await Reports.Eventually(() => Task.FromResult(receiver.To("/signed").Count > 0), 10), "no webhook arrived");
        var received = receiver.To("/signed")[0];

        // An independent check of the signature (plain HMAC-SHA256, not the library that signed it).
        var id = received.Headers["webhook-id"];
        var timestamp = received.Headers["webhook-timestamp"];
        var key = Convert.FromBase64String(created.SigningSecret["whsec_".Length..]);
        var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{received.Body}")));
        Assert.Contains(expected, received.Headers["webhook-signature"].Split(' '));
        Assert.StartsWith("msg_", id);
        Assert.InRange(long.Parse(timestamp), host.Clock.GetUtcNow().ToUnixTimeSeconds() - 5, host.Clock.GetUtcNow().ToUnixTimeSeconds());

        var json = received.Json;
        Assert.Equal("outage.disruption.started", json.GetProperty("type").GetString());
        var series = Assert.Single(json.GetProperty("data").GetProperty("series").EnumerateArray());
        Assert.Equal("facebook", series.GetProperty("service_id").GetString());
        Assert.Equal("FR", series.GetProperty("region").GetString());
        Assert.Contains(series.GetProperty("level").GetString(), new[] { "DISRUPTED", "OUTAGE" });
        Assert.Equal("NORMAL", series.GetProperty("previous_level").GetString());
        Assert.Contains("reports in", series.GetProperty("explanation").GetString());
        Assert.Equal($"{PublicBaseUrl}/#/services/facebook/FR", series.GetProperty("url").GetString());

        var delivery = (await DeliveriesAsync(created.Subscription.SubscriptionId, 1)).Last();
        Assert.True(delivery.Delivered);
        Assert.Equal(200, delivery.HttpStatus);
        Assert.Equal(id, delivery.MessageId);
        Assert.Equal(["facebook/FR"], delivery.Subjects);
    }

    [Fact]
    public async Task AReceiverThatAnswers500Then200GetsTheSameWebhookIdTwiceAndNothingElse()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.AnswerNext((500, null));
        var created = await SubscribeAsync(receiver.Address + "/flaky", "instagram", "FR", events: NotificationEvent.DisruptionStarted);
        await DisruptAsync("instagram", "FR", created.Subscription.SubscriptionId);
        Assert.True(await Reports.Eventually(() => Task.FromResult(receiver.To("/flaky").Count == 1), 10), "the first attempt did not arrive");

        // The first retry waits 5 s (±20 %) of product time.
        await Task.Delay(500);
        Assert.Single(receiver.To("/flaky"));
        host.Clock.Advance(TimeSpan.FromSeconds(6));
        Assert.True(await Reports.Eventually(() => Task.FromResult(receiver.To("/flaky").Count >= 2), 10), "the retry did not arrive");
        host.Clock.Advance(TimeSpan.FromSeconds(30));
        await Task.Delay(1000);

        var got = receiver.To("/flaky");
        Assert.Equal(2, got.Count);
        Assert.Equal(got[0].Id, got[1].Id);
        Assert.Equal([500, 200], got.Select(r => r.AnsweredWith));
        Assert.Equal(got[0].Body, got[1].Body);
        var log = await DeliveriesAsync(created.Subscription.SubscriptionId, 2);
        Assert.Equal([2, 1], log.Select(d => d.Attempt));
        Assert.Equal("HTTP 500", log[1].Error);
        Assert.NotNull(log[1].NextAttemptTime);
        Assert.Equal(0, (await GetAsync(created.Subscription.SubscriptionId)).OutboxDepth);
    }

    [Fact]
    public async Task A410GoneDisablesTheSubscriptionAndSaysWhy()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.AnswerNext((410, null));
        var created = await SubscribeAsync(receiver.Address + "/gone", "whatsapp", "FR");
        await DisruptAsync("whatsapp", "FR", created.Subscription.SubscriptionId);
        Assert.True(await Reports.Eventually(async () => (await GetAsync(created.Subscription.SubscriptionId)).State == SubscriptionState.Disabled, 10));

        var subscription = await GetAsync(created.Subscription.SubscriptionId);
        Assert.Contains("410", subscription.DisabledReason);
        Assert.Equal(0, subscription.OutboxDepth);
        host.Clock.Advance(TimeSpan.FromMinutes(10));
        await Task.Delay(500);
        Assert.Single(receiver.To("/gone"));
    }

    [Fact]
    public async Task AReceiverThatHangsDoesNotHoldUpAnother()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var release = receiver.Hang("/hangs");
        try
        {
            var slow = await SubscribeAsync(receiver.Address + "/hangs", "steam", "FR", events: NotificationEvent.DisruptionStarted);
            var fast = await SubscribeAsync(receiver.Address + "/answers", "steam", "FR", events: NotificationEvent.DisruptionStarted);
            await DisruptAsync("steam", "FR", fast.Subscription.SubscriptionId);

            // Both are sent the change; the one that answers is done while the other still waits for its answer.
            Assert.True(await Reports.Eventually(() => Task.FromResult(receiver.To("/hangs").Count == 1 && receiver.To("/answers").Count == 1), 10),
                $"hangs {receiver.To("/hangs").Count}, answers {receiver.To("/answers").Count}");
            Assert.True(await Reports.Eventually(async () => (await GetAsync(fast.Subscription.SubscriptionId)) is { OutboxDepth: 0, LastDeliveryTime: not null }, 5));
            Assert.Equal(1, (await GetAsync(slow.Subscription.SubscriptionId)).OutboxDepth);
        }
        finally
        {
            release.TrySetResult();
        }
    }

    [Fact]
    public async Task RetryAfterIsHonouredInsteadOfTheSchedule()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.AnswerNext((429, "120"));
        var created = await SubscribeAsync(receiver.Address + "/busy", "messenger", "FR", events: NotificationEvent.DisruptionStarted);
        await DisruptAsync("messenger", "FR", created.Subscription.SubscriptionId);
        Assert.True(await Reports.Eventually(() => Task.FromResult(receiver.To("/busy").Count == 1), 10));

        var log = await DeliveriesAsync(created.Subscription.SubscriptionId, 1);
        Assert.Equal(TimeSpan.FromSeconds(120), log[0].NextAttemptTime.ToDateTimeOffset() - log[0].AttemptTime.ToDateTimeOffset());
        host.Clock.Advance(TimeSpan.FromSeconds(60)); // past the schedule's 5 s, short of the 120 s asked for
        await Task.Delay(1000);
        Assert.Single(receiver.To("/busy"));
        host.Clock.Advance(TimeSpan.FromSeconds(61));
        Assert.True(await Reports.Eventually(() => Task.FromResult(receiver.To("/busy").Count == 2), 10), "the retry after Retry-After did not arrive");
        Assert.Equal(receiver.To("/busy")[0].Id, receiver.To("/busy")[1].Id);
    }

    [Fact]
    public async Task AKeySeesOnlyItsOwnSubscriptionsAndNeedsTheScope()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var mine = await SubscribeAsync(receiver.Address + "/mine", "gmail", "FR");
        var theirs = await SubscribeAsync(receiver.Address + "/theirs", "gmail", "FR", OtherDesk);
        var client = host.Notifications();

        var listed = await client.ListSubscriptionsAsync(new ListSubscriptionsRequest(), Newsdesk);
        Assert.Contains(listed.Subscriptions, s => s.SubscriptionId == mine.Subscription.SubscriptionId);
        Assert.DoesNotContain(listed.Subscriptions, s => s.SubscriptionId == theirs.Subscription.SubscriptionId);
        Assert.Equal(StatusCode.NotFound, await Reports.CodeOf(() => client.GetSubscriptionAsync(new GetSubscriptionRequest { SubscriptionId = theirs.Subscription.SubscriptionId }, Newsdesk).ResponseAsync));
        Assert.Equal(StatusCode.NotFound, await Reports.CodeOf(() => client.DeleteSubscriptionAsync(new DeleteSubscriptionRequest { SubscriptionId = theirs.Subscription.SubscriptionId }, Newsdesk).ResponseAsync));
        Assert.Equal(StatusCode.PermissionDenied, await Reports.CodeOf(() => client.ListSubscriptionsAsync(new ListSubscriptionsRequest(), Reader).ResponseAsync));
        Assert.Equal(StatusCode.Unauthenticated, await Reports.CodeOf(() => client.ListSubscriptionsAsync(new ListSubscriptionsRequest()).ResponseAsync));

        // Update, page, delete.
        var updated = await client.UpdateSubscriptionAsync(new UpdateSubscriptionRequest
        {
            Subscription = new Subscription { SubscriptionId = mine.Subscription.SubscriptionId, Description = "night desk", State = SubscriptionState.Disabled },
            UpdateMask = new FieldMask { Paths = { "description", "state" } },
        }, Newsdesk);
        Assert.Equal("night desk", updated.Subscription.Description);
        Assert.Equal(SubscriptionState.Disabled, updated.Subscription.State);
        Assert.Equal(["gmail"], updated.Subscription.Filter.ServiceIds);
        var second = await SubscribeAsync(receiver.Address + "/second", "gmail", "DE");
        var page = await client.ListSubscriptionsAsync(new ListSubscriptionsRequest { PageSize = 1 }, Newsdesk);
        Assert.Single(page.Subscriptions);
        Assert.NotEmpty(page.NextPageToken);
        var all = new List<string>();
        for (var token = ""; ;)
        {
            var p = await client.ListSubscriptionsAsync(new ListSubscriptionsRequest { PageSize = 1, PageToken = token }, Newsdesk);
            all.AddRange(p.Subscriptions.Select(s => s.SubscriptionId));
            if ((token = p.NextPageToken).Length == 0)
            {
                break;
            }
        }

        Assert.Equal(listed.Subscriptions.Count + 1, all.Count);
        await client.DeleteSubscriptionAsync(new DeleteSubscriptionRequest { SubscriptionId = second.Subscription.SubscriptionId }, Newsdesk);
        Assert.Equal(StatusCode.NotFound, await Reports.CodeOf(() => client.GetSubscriptionAsync(new GetSubscriptionRequest { SubscriptionId = second.Subscription.SubscriptionId }, Newsdesk).ResponseAsync));
    }

    [Fact]
    public async Task ABadSubscriptionIsRefusedWithEveryFieldViolation()
    {
        var subscription = new Subscription
        {
            WebhookUrl = "ftp://example.com/hook",
            Filter = new() { ServiceIds = { "myspace" }, Regions = { "Narnia" }, MinLevel = DisruptionLevel.Normal },
            MinDuration = Duration.FromTimeSpan(TimeSpan.FromDays(2)),
        };
        var error = await Assert.ThrowsAsync<RpcException>(() => host.Notifications().CreateSubscriptionAsync(new CreateSubscriptionRequest { Subscription = subscription }, Newsdesk).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var fields = error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field).ToArray();
        Assert.Equal(["subscription.webhook_url", "subscription.filter.service_ids[0]", "subscription.filter.regions[0]", "subscription.filter.min_level", "subscription.min_duration"], fields);

        var none = await Assert.ThrowsAsync<RpcException>(() => host.Notifications().CreateSubscriptionAsync(new CreateSubscriptionRequest { Subscription = new() }, Newsdesk).ResponseAsync);
        Assert.Equal("subscription.target", Assert.Single(none.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations).Field);

        // No SMTP server configured on this host: e-mail is a precondition, not a field error.
        var mail = await Assert.ThrowsAsync<RpcException>(() => host.Notifications().CreateSubscriptionAsync(new CreateSubscriptionRequest { Subscription = new() { Email = "desk@example.com" } }, Newsdesk).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, mail.StatusCode);
    }

    [Fact]
    public async Task ASlackSubscriptionGetsAReadableMessageWithALinkAndNoSignature()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var created = await host.Notifications().CreateSubscriptionAsync(new CreateSubscriptionRequest
        {
            Subscription = new Subscription { SlackWebhookUrl = receiver.Address + "/slack", Filter = new() { ServiceIds = { "discord" }, Regions = { "FR" } } },
        }, Newsdesk);
        Assert.Empty(created.SigningSecret);
        await DisruptAsync("discord", "FR", created.Subscription.SubscriptionId);
        Assert.True(await Reports.Eventually(() => Task.FromResult(receiver.To("/slack").Count > 0), 10), "no Slack message arrived");

        var message = receiver.To("/slack")[0];
        Assert.False(message.Headers.ContainsKey("webhook-signature"));
        var text = message.Json.GetProperty("text").GetString()!;
        Assert.Matches("^(DISRUPTED|OUTAGE): Discord in FR$", text);
        var section = message.Json.GetProperty("blocks")[0].GetProperty("text").GetProperty("text").GetString()!;
        Assert.StartsWith($"*<{PublicBaseUrl}/#/services/discord/FR|", section);
        Assert.Contains("reports in 15 min", section);
    }

    [Fact]
    public async Task TheJsonRouteCreatesASubscriptionAsTheReadmeShows()
    {
        var http = host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/subscriptions")
        {
            Content = new StringContent("""
                {"webhookUrl": "http://127.0.0.1:9/hook", "filter": {"owner": "meta", "regions": ["US", "GB"], "minLevel": "DISRUPTION_LEVEL_OUTAGE"},
                 "events": ["NOTIFICATION_EVENT_DISRUPTION_STARTED", "NOTIFICATION_EVENT_RESOLVED"], "minDuration": "300s"}
                """, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", "newsdesk-key");
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        var json = System.Text.Json.JsonDocument.Parse(body).RootElement;
        Assert.StartsWith("whsec_", json.GetProperty("signingSecret").GetString());
        var subscription = json.GetProperty("subscription");
        Assert.Equal("SUBSCRIPTION_STATE_ACTIVE", subscription.GetProperty("state").GetString());
        Assert.Equal("300s", subscription.GetProperty("minDuration").GetString());
        Assert.Equal(2, subscription.GetProperty("events").GetArrayLength());

        using var anonymous = await http.PostAsync("/v1/subscriptions", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task ReplaySendsADeliveredMessageAgainWithItsId()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var created = await SubscribeAsync(receiver.Address + "/replay", "threads", "FR", events: NotificationEvent.DisruptionStarted);
        await DisruptAsync("threads", "FR", created.Subscription.SubscriptionId);
        Assert.True(await Reports.Eventually(() => Task.FromResult(receiver.To("/replay").Count == 1), 10));
        var first = receiver.To("/replay")[0];

        await host.Notifications().ReplayDeliveryAsync(new ReplayDeliveryRequest { SubscriptionId = created.Subscription.SubscriptionId, MessageId = first.Id }, Newsdesk);
        Assert.True(await Reports.Eventually(() => Task.FromResult(receiver.To("/replay").Count == 2), 10));
        Assert.Equal(first.Id, receiver.To("/replay")[1].Id);
        Assert.Equal(first.Body, receiver.To("/replay")[1].Body);
        Assert.Equal(StatusCode.NotFound, await Reports.CodeOf(() => host.Notifications().ReplayDeliveryAsync(
            new ReplayDeliveryRequest { SubscriptionId = created.Subscription.SubscriptionId, MessageId = "msg_unknown" }, Newsdesk).ResponseAsync));
    }

    [Fact]
    public async Task RotatingTheSecretSignsWithBothDuringTheGracePeriod()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var created = await SubscribeAsync(receiver.Address + "/rotate", "youtube", "FR", events: NotificationEvent.DisruptionStarted);
        var rotated = await host.Notifications().RotateSubscriptionSecretAsync(new RotateSubscriptionSecretRequest
        {
            SubscriptionId = created.Subscription.SubscriptionId, GracePeriod = Duration.FromTimeSpan(TimeSpan.FromHours(1)),
        }, Newsdesk);
        Assert.NotEqual(created.SigningSecret, rotated.SigningSecret);
        await DisruptAsync("youtube", "FR", created.Subscription.SubscriptionId);
        Assert.True(await Reports.Eventually(() => Task.FromResult(receiver.To("/rotate").Count == 1), 10));

        var r = receiver.To("/rotate")[0];
        var signatures = r.Headers["webhook-signature"].Split(' ');
        Assert.Equal(2, signatures.Length);
        foreach (var secret in new[] { rotated.SigningSecret, created.SigningSecret })
        {
            var key = Convert.FromBase64String(secret["whsec_".Length..]);
            Assert.Contains("v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{r.Id}.{r.Headers["webhook-timestamp"]}.{r.Body}"))), signatures);
        }
    }
}

/// <summary>The SSRF rule on a host with the defaults: no private address, no plain HTTP.</summary>
public sealed class NotificationSsrfTests(OutageHostFactory host) : IClassFixture<OutageHostFactory>
{
    private static readonly Metadata Admin = new();

    [Theory]
    [InlineData("https://127.0.0.1/hook")]
    [InlineData("https://localhost:8443/hook")]
    [InlineData("https://10.1.2.3/hook")]
    [InlineData("https://169.254.169.254/latest/meta-data")]
    [InlineData("https://[::1]/hook")]
    [InlineData("https://192.168.0.10/hook")]
    public async Task ATargetOnANonPublicAddressIsAFieldViolationAtCreation(string url)
    {
        var client = new NotificationService.NotificationServiceClient(host.Channel());
        var key = new Metadata { { "authorization", "Bearer " + host.PrintedAdminKey } };
        var error = await Assert.ThrowsAsync<RpcException>(() => client.CreateSubscriptionAsync(new CreateSubscriptionRequest { Subscription = new() { WebhookUrl = url } }, key).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var violation = Assert.Single(error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations);
        Assert.Equal("subscription.webhook_url", violation.Field);
        Assert.Contains("no public address", violation.Description);
    }

    [Fact]
    public async Task PlainHttpIsRefusedByDefault()
    {
        var client = new NotificationService.NotificationServiceClient(host.Channel());
        var key = new Metadata { { "authorization", "Bearer " + host.PrintedAdminKey } };
        var error = await Assert.ThrowsAsync<RpcException>(() => client.CreateSubscriptionAsync(new CreateSubscriptionRequest { Subscription = new() { SlackWebhookUrl = "http://hooks.example.com/x" } }, key).ResponseAsync);
        Assert.Contains("https://", Assert.Single(error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations).Description);
    }

    [Fact]
    public async Task AtDeliveryTheAddressConnectedToIsCheckedAndTheRefusalIsRecorded()
    {
        // A name that passed at creation may resolve elsewhere later (DNS rebinding): the connect-time check still refuses.
        await using var receiver = await WebhookReceiver.StartAsync();
        using var sender = new NotificationSender(Options.Create(new NotificationOptions { AllowHttp = true }), ServiceCatalog.CreateDefault());
        var state = new SubscriptionGrainState { Secrets = [SigningSecret.Create()] };
        var definition = new SubscriptionDefinition { Id = "sub_test", KeyName = "k", Target = receiver.Address + "/private" };
        var message = new NotificationMessage { Id = "msg_test_000001", Kind = NotificationEvents.Started, CreatedAt = DateTimeOffset.UtcNow,
            Items = [new NotificationItem { Status = SeriesStatusView.Quiet(new("facebook", "FR"), DateTimeOffset.UtcNow) with { Level = Outage.Detection.DisruptionLevel.Outage } }] };

        var result = await sender.SendAsync(definition, state, message, DateTimeOffset.UtcNow, CancellationToken.None);
        Assert.False(result.Delivered);
        Assert.True(result.Refused);
        Assert.Equal("refused", result.Outcome);
        Assert.Contains("no public address", result.Error);
        Assert.Empty(receiver.Requests);
        _ = Admin;
    }
}
