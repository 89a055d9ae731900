using Outage.Contracts.V1;
using static Outage.Host.Tests.NotificationHostFactory;

namespace Outage.Host.Tests;

/// <summary>A family outage (four services of one owner in two countries) seen by one webhook subscription on the owner: coalesced, in order per series.</summary>
public sealed class NotificationFamilyTests(NotificationHostFactory host) : IClassFixture<NotificationHostFactory>
{
    private static readonly string[] Services = ["facebook", "instagram", "whatsapp", "messenger"];
    private static readonly string[] Countries = ["IT", "ES"];

    [Fact]
    public async Task AFamilyOutageIsAFewMessagesNotOnePerChangeAndEachSeriesIsToldInOrder()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var created = await host.Notifications().CreateSubscriptionAsync(new CreateSubscriptionRequest
        {
            Subscription = new Subscription { WebhookUrl = receiver.Address + "/family", Filter = new() { Owner = "meta" } },
        }, Newsdesk);
        var series = Services.SelectMany(s => Countries.Select(c => (s, c)).Append((s, c: ""))).ToArray();

        foreach (var service in Services)
        {
            foreach (var country in Countries)
            {
                await host.SurgeAsync(service, country, 1500);
            }
        }

        Assert.True(await Reports.Eventually(async () =>
        {
            foreach (var (s, c) in series.Where(x => x.Item2.Length > 0))
            {
                if (await host.LevelAsync(s, c) < DisruptionLevel.Disrupted)
                {
                    return false;
                }
            }

            return true;
        }, 60), "not every series was disrupted");

        // Recovery: no more reports; the product clock moves a minute at a time until every series is NORMAL again.
        for (var minute = 0; minute < 60; minute++)
        {
            await host.AdvanceAsync(TimeSpan.FromMinutes(1), series);
            await Task.Delay(300); // lets the subscription form and deliver what the minute changed
            var levels = await Task.WhenAll(series.Select(x => host.LevelAsync(x.s, x.c)));
            if (levels.All(l => l == DisruptionLevel.Normal))
            {
                break;
            }
        }

        for (var i = 0; i < 6; i++)
        {
            await host.AdvanceAsync(TimeSpan.FromSeconds(15));
            await Task.Delay(300);
        }

        var messages = receiver.To("/family");
        var told = messages.SelectMany(m => m.Json.GetProperty("data").GetProperty("series").EnumerateArray()
            .Select(s => (Series: $"{s.GetProperty("service_id").GetString()}/{s.GetProperty("region").GetString()}", Type: m.Json.GetProperty("type").GetString()!))).ToList();
        var transcript = string.Join("\n", messages.Select(m => $"{m.Id} {m.Json.GetProperty("type")} {m.Json.GetProperty("data").GetProperty("series").GetArrayLength()} series"));

        // Every disrupted country series was told it started, then told it resolved, with nothing out of order in between.
        foreach (var (s, c) in series.Where(x => x.Item2.Length > 0))
        {
            var types = told.Where(t => t.Series == $"{s}/{c}").Select(t => t.Type).ToList();
            Assert.True(types.Count >= 2, $"{s}/{c}: {string.Join(", ", types)}\n{transcript}");
            Assert.Equal("outage.disruption.started", types[0]);
            Assert.Equal("outage.disruption.resolved", types[^1]);
            Assert.DoesNotContain("outage.disruption.started", types.Skip(1).SkipLast(1));
        }

        // Coalesced: far fewer messages than series changes, and the starts of eight series in very few messages.
        var starts = messages.Count(m => m.Json.GetProperty("type").GetString() == "outage.disruption.started");
        Assert.True(starts <= 3, $"{starts} 'started' messages\n{transcript}");
        Assert.True(messages.Count < told.Count, transcript);
        Assert.Equal(messages.Count, messages.Select(m => m.Id).Distinct().Count());
        Assert.All(messages, m => Assert.Equal(200, m.AnsweredWith));
    }
}
