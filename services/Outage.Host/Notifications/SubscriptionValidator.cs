using System.Net.Sockets;
using Microsoft.Extensions.Options;
using MimeKit;
using Outage.Contracts.V1;
using Outage.Grains.Abstractions;
using Outage.Grains.Abstractions.Notifications;
using Outage.Grains.Notifications;
using Outage.Host.Grpc;
using SubscriptionFilter = Outage.Grains.Abstractions.Notifications.SubscriptionFilter;

namespace Outage.Host.Notifications;

/// <summary>
/// Turns a requested subscription into the grains' definition, collecting every field violation: a target that is not
/// https (unless <c>AllowHttp</c>), that resolves to no allowed address (the SSRF rule, checked again at every connect), an
/// e-mail address that is not one, unknown services, bad regions, a minimum duration out of range.
/// </summary>
internal sealed class SubscriptionValidator(ServiceCatalog catalog, NotificationSender sender, IOptions<NotificationOptions> options)
{
    /// <summary>Longest minimum duration.</summary>
    public static readonly TimeSpan MaxMinDuration = TimeSpan.FromHours(24);

    /// <summary>Longest description.</summary>
    public const int MaxDescriptionLength = 200;

    /// <summary>The channel and target of a new subscription, and what is wrong with them (field, description).</summary>
    public async Task<(NotificationChannel Channel, string Target, List<(string Field, string Problem)> Problems)> TargetAsync(Subscription s, CancellationToken cancellationToken)
    {
        var problems = new List<(string Field, string Problem)>();
        switch (s.TargetCase)
        {
            case Subscription.TargetOneofCase.WebhookUrl:
                return (NotificationChannel.Webhook, await UrlAsync("subscription.webhook_url", s.WebhookUrl, problems, cancellationToken), problems);
            case Subscription.TargetOneofCase.SlackWebhookUrl:
                return (NotificationChannel.Slack, await UrlAsync("subscription.slack_webhook_url", s.SlackWebhookUrl, problems, cancellationToken), problems);
            case Subscription.TargetOneofCase.Email:
                var ok = s.Email.Length <= 254 && MailboxAddress.TryParse(s.Email, out var mailbox) && mailbox.Address == s.Email.Trim() && s.Email.Contains('@');
                if (!ok)
                {
                    problems.Add(("subscription.email", "is not an e-mail address"));
                }

                if (ok && !sender.EmailEnabled)
                {
                    throw new global::Grpc.Core.RpcException(new global::Grpc.Core.Status(global::Grpc.Core.StatusCode.FailedPrecondition,
                        "E-mail notifications are off: the operator has not configured Outage:Notifications:Smtp:Host."));
                }

                return (NotificationChannel.Email, s.Email.Trim(), problems);
            default:
                problems.Add(("subscription.target", "is required: one of webhook_url, slack_webhook_url, email"));
                return (NotificationChannel.Webhook, "", problems);
        }
    }

    /// <summary>The filter, events, minimum duration and description of <paramref name="s"/>, checked.</summary>
    public (SubscriptionFilter Filter, NotificationEvents Events, TimeSpan MinDuration, string Description) Settings(Subscription s, ref RequestValidation v)
    {
        var filter = s.Filter ?? new Contracts.V1.SubscriptionFilter();
        for (var i = 0; i < filter.ServiceIds.Count; i++)
        {
            v.Service(catalog, $"subscription.filter.service_ids[{i}]", filter.ServiceIds[i]);
        }

        v.Check(filter.Owner.Length == 0 || catalog.Services.Any(x => x.Owner == filter.Owner), "subscription.filter.owner", "owns no service of the catalog");
        for (var i = 0; i < filter.Regions.Count; i++)
        {
            v.Region($"subscription.filter.regions[{i}]", filter.Regions[i]);
        }

        v.Check(filter.MinLevel is DisruptionLevel.Unspecified or DisruptionLevel.Elevated or DisruptionLevel.Disrupted or DisruptionLevel.Outage
            && filter.MinLevel != DisruptionLevel.Normal, "subscription.filter.min_level", "must be ELEVATED, DISRUPTED or OUTAGE");
        var events = NotificationEvents.None;
        foreach (var e in s.Events)
        {
            v.Check(NotificationMapping.Events.ContainsKey(e), "subscription.events", $"holds {e}, which is not an event");
            events |= NotificationMapping.Events.GetValueOrDefault(e);
        }

        var minDuration = s.MinDuration?.ToTimeSpan() ?? TimeSpan.Zero;
        v.Check(minDuration >= TimeSpan.Zero && minDuration <= MaxMinDuration, "subscription.min_duration", "must be 0 to 24 h");
        v.Check(s.Description.Length <= MaxDescriptionLength, "subscription.description", $"must be at most {MaxDescriptionLength} characters");
        var domain = new SubscriptionFilter
        {
            ServiceIds = filter.ServiceIds.Distinct().ToArray(), Owner = filter.Owner, Regions = filter.Regions.Distinct().ToArray(),
            MinLevel = NotificationMapping.MinLevel(filter.MinLevel),
        };
        return (domain, events == NotificationEvents.None ? NotificationEvents.All : events, minDuration, s.Description);
    }

    private async Task<string> UrlAsync(string field, string url, List<(string Field, string Problem)> problems, CancellationToken cancellationToken)
    {
        var schemes = options.Value.AllowHttp ? "http:// or https://" : "https://";
        if (url.Length > 2000 || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || !(uri.Scheme == Uri.UriSchemeHttps || (options.Value.AllowHttp && uri.Scheme == Uri.UriSchemeHttp)))
        {
            problems.Add((field, $"must be an absolute {schemes} URL of at most 2,000 characters"));
            return url;
        }

        if (uri.UserInfo.Length > 0)
        {
            problems.Add((field, "must not carry a user name or password"));
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            var allowed = await sender.Addresses.AllowedAddressesAsync(uri.IdnHost, timeout.Token);
            if (allowed.Length == 0)
            {
                problems.Add((field, "resolves to no public address: loopback, private, link-local and metadata addresses are refused (Outage:Notifications:AllowedPrivateNetworks)"));
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            problems.Add((field, $"has a host name that does not resolve ({uri.IdnHost})"));
        }

        return uri.ToString();
    }
}
