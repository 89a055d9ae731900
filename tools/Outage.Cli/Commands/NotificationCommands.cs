using System.CommandLine;
using Google.Protobuf.WellKnownTypes;
using Outage.Contracts.V1;
using Spectre.Console;

namespace Outage.Cli.Commands;

/// <summary>Notification subscriptions of the caller's key (scope notifications:write): subscribe, subscriptions, deliveries, unsubscribe.</summary>
internal static class NotificationCommands
{
    public static IEnumerable<Command> Create() => [Subscribe(), Subscriptions(), Deliveries(), Unsubscribe()];

    private static readonly Dictionary<string, NotificationEvent> EventNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["started"] = NotificationEvent.DisruptionStarted,
        ["raised"] = NotificationEvent.LevelRaised,
        ["recovering"] = NotificationEvent.Recovering,
        ["resolved"] = NotificationEvent.Resolved,
        ["statement"] = NotificationEvent.Statement,
    };

    private static Command Subscribe()
    {
        var server = ServiceClient.ServerOption();
        var webhook = new Option<string>("--webhook") { Description = "An https:// URL to POST signed Standard Webhooks to.", DefaultValueFactory = _ => "" };
        var slack = new Option<string>("--slack") { Description = "A Slack incoming-webhook URL.", DefaultValueFactory = _ => "" };
        var email = new Option<string>("--email") { Description = "An e-mail address (it must confirm by a link first).", DefaultValueFactory = _ => "" };
        var services = new Option<string[]>("--service") { Description = "A service to watch (repeat for more; none: every service).", AllowMultipleArgumentsPerToken = true };
        var owner = new Option<string>("--owner") { Description = "Only services of this owner, such as meta.", DefaultValueFactory = _ => "" };
        var regions = new Option<string[]>("--region") { Description = "A region, such as US (repeat for more; \"\" for worldwide; none: every region).", AllowMultipleArgumentsPerToken = true };
        var minLevel = new Option<string>("--min-level") { Description = "elevated, disrupted or outage.", DefaultValueFactory = _ => "disrupted" };
        var events = new Option<string[]>("--event") { Description = $"Events to send: {string.Join(", ", EventNames.Keys)} (repeat; none: all).", AllowMultipleArgumentsPerToken = true };
        var minDuration = new Option<double>("--min-minutes") { Description = "Minutes a disruption must last before it is sent.", DefaultValueFactory = _ => 0 };
        var command = new Command("subscribe", "Be told when services go down and recover (needs a key with notifications:write: --key or OUTAGE_API_KEY).")
        {
            webhook, slack, email, services, owner, regions, minLevel, events, minDuration, server,
        };
        command.SetAction((parse, ct) =>
        {
            var address = parse.GetValue(server)!;
            var subscription = new Subscription
            {
                Filter = new SubscriptionFilter
                {
                    Owner = parse.GetValue(owner)!,
                    MinLevel = parse.GetValue(minLevel)!.ToLowerInvariant() switch
                    {
                        "elevated" => DisruptionLevel.Elevated,
                        "outage" => DisruptionLevel.Outage,
                        _ => DisruptionLevel.Disrupted,
                    },
                },
                MinDuration = Duration.FromTimeSpan(TimeSpan.FromMinutes(parse.GetValue(minDuration))),
            };
            subscription.Filter.ServiceIds.AddRange(parse.GetValue(services) ?? []);
            subscription.Filter.Regions.AddRange(parse.GetValue(regions) ?? []);
            foreach (var name in parse.GetValue(events) ?? [])
            {
                if (!EventNames.TryGetValue(name, out var e))
                {
                    Console.Error.WriteLine($"outage: unknown event '{name}' (one of {string.Join(", ", EventNames.Keys)}).");
                    return Task.FromResult(2);
                }

                subscription.Events.Add(e);
            }

            if (parse.GetValue(webhook) is { Length: > 0 } w)
            {
                subscription.WebhookUrl = w;
            }
            else if (parse.GetValue(slack) is { Length: > 0 } s)
            {
                subscription.SlackWebhookUrl = s;
            }
            else if (parse.GetValue(email) is { Length: > 0 } m)
            {
                subscription.Email = m;
            }

            return ServiceClient.Run(address, async () =>
            {
                var created = await ServiceClient.Notifications(address).CreateSubscriptionAsync(new CreateSubscriptionRequest { Subscription = subscription }, cancellationToken: ct);
                AnsiConsole.MarkupLine($"Subscription [bold]{created.Subscription.SubscriptionId}[/] {Markup.Escape(StateWord(created.Subscription.State))}.");
                if (created.SigningSecret.Length > 0)
                {
                    AnsiConsole.MarkupLine($"Signing secret (shown once, keep it): [bold]{created.SigningSecret}[/]");
                }

                if (created.Subscription.State == SubscriptionState.PendingConfirmation)
                {
                    AnsiConsole.MarkupLine("A confirmation e-mail is on its way: nothing else is sent until its link is followed.");
                }
            });
        });
        return command;
    }

    private static Command Subscriptions()
    {
        var server = ServiceClient.ServerOption();
        var command = new Command("subscriptions", "List the subscriptions of your key.") { server };
        command.SetAction((parse, ct) =>
        {
            var address = parse.GetValue(server)!;
            return ServiceClient.Run(address, async () =>
            {
                var table = new Table().AddColumns("id", "target", "filter", "state", "outbox", "last delivery");
                var token = "";
                do
                {
                    var page = await ServiceClient.Notifications(address).ListSubscriptionsAsync(new ListSubscriptionsRequest { PageToken = token }, cancellationToken: ct);
                    foreach (var s in page.Subscriptions)
                    {
                        var target = s.TargetCase switch
                        {
                            Subscription.TargetOneofCase.WebhookUrl => s.WebhookUrl,
                            Subscription.TargetOneofCase.SlackWebhookUrl => "slack " + s.SlackWebhookUrl,
                            _ => s.Email,
                        };
                        var filter = string.Join(" ", new[] { string.Join(",", s.Filter.ServiceIds), s.Filter.Owner, string.Join(",", s.Filter.Regions.Select(r => r.Length == 0 ? "world" : r)) }.Where(x => x.Length > 0));
                        table.AddRow(Markup.Escape(s.SubscriptionId), Markup.Escape(target), Markup.Escape(filter.Length > 0 ? filter : "everything"),
                            Markup.Escape(StateWord(s.State) + (s.DisabledReason.Length > 0 ? ": " + s.DisabledReason : "")), s.OutboxDepth.ToString(),
                            s.LastDeliveryTime is { } t ? $"{t.ToDateTimeOffset():yyyy-MM-dd HH:mm:ss}" : "never");
                    }

                    token = page.NextPageToken;
                }
                while (token.Length > 0);
                AnsiConsole.Write(table);
            });
        });
        return command;
    }

    private static Command Deliveries()
    {
        var server = ServiceClient.ServerOption();
        var id = new Argument<string>("subscription") { Description = "The subscription's id (see 'outage subscriptions')." };
        var command = new Command("deliveries", "The last delivery attempts of a subscription, newest first.") { id, server };
        command.SetAction((parse, ct) =>
        {
            var address = parse.GetValue(server)!;
            return ServiceClient.Run(address, async () =>
            {
                var response = await ServiceClient.Notifications(address).ListDeliveriesAsync(new ListDeliveriesRequest { SubscriptionId = parse.GetValue(id)! }, cancellationToken: ct);
                var table = new Table().AddColumns("time", "message", "type", "attempt", "result", "latency", "next attempt");
                foreach (var d in response.Deliveries)
                {
                    table.AddRow($"{d.AttemptTime.ToDateTimeOffset():HH:mm:ss}", Markup.Escape(d.MessageId), Markup.Escape(d.Type), d.Attempt.ToString(),
                        d.Delivered ? $"[green]{d.HttpStatus}[/]" : $"[red]{Markup.Escape(d.Error)}[/]", $"{d.Latency.ToTimeSpan().TotalMilliseconds:0} ms",
                        d.NextAttemptTime is { } n ? $"{n.ToDateTimeOffset():HH:mm:ss}" : "");
                }

                AnsiConsole.Write(table);
            });
        });
        return command;
    }

    private static Command Unsubscribe()
    {
        var server = ServiceClient.ServerOption();
        var id = new Argument<string>("subscription") { Description = "The subscription's id (see 'outage subscriptions')." };
        var command = new Command("unsubscribe", "Delete a subscription of your key.") { id, server };
        command.SetAction((parse, ct) =>
        {
            var address = parse.GetValue(server)!;
            return ServiceClient.Run(address, async () =>
            {
                await ServiceClient.Notifications(address).DeleteSubscriptionAsync(new DeleteSubscriptionRequest { SubscriptionId = parse.GetValue(id)! }, cancellationToken: ct);
                AnsiConsole.MarkupLine($"Deleted {Markup.Escape(parse.GetValue(id)!)}.");
            });
        });
        return command;
    }

    private static string StateWord(SubscriptionState state) => state switch
    {
        SubscriptionState.Active => "active",
        SubscriptionState.PendingConfirmation => "waiting for its e-mail confirmation",
        SubscriptionState.Disabled => "disabled",
        _ => "unknown",
    };
}
