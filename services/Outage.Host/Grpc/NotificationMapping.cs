using Google.Protobuf.WellKnownTypes;
using Outage.Contracts.V1;
using Outage.Grains.Abstractions.Notifications;
using DisruptionLevelModel = Outage.Detection.DisruptionLevel;
using SubscriptionFilter = Outage.Contracts.V1.SubscriptionFilter;

namespace Outage.Host.Grpc;

/// <summary>Maps subscriptions and deliveries between the proto messages and the grains' records.</summary>
internal static class NotificationMapping
{
    /// <summary>Proto event kinds and the grains' flags.</summary>
    public static readonly IReadOnlyDictionary<NotificationEvent, NotificationEvents> Events = new Dictionary<NotificationEvent, NotificationEvents>
    {
        [NotificationEvent.DisruptionStarted] = NotificationEvents.Started,
        [NotificationEvent.LevelRaised] = NotificationEvents.LevelRaised,
        [NotificationEvent.Recovering] = NotificationEvents.Recovering,
        [NotificationEvent.Resolved] = NotificationEvents.Resolved,
        [NotificationEvent.Statement] = NotificationEvents.Statement,
    };

    public static Subscription ToProto(this SubscriptionView view)
    {
        var d = view.Definition;
        var proto = new Subscription
        {
            SubscriptionId = d.Id,
            Filter = new SubscriptionFilter { Owner = d.Filter.Owner, MinLevel = d.Filter.MinLevel.ToProto() },
            MinDuration = Duration.FromTimeSpan(d.MinDuration),
            Description = d.Description,
            State = view.Status switch
            {
                SubscriptionStatus.Active => SubscriptionState.Active,
                SubscriptionStatus.PendingConfirmation => SubscriptionState.PendingConfirmation,
                _ => SubscriptionState.Disabled,
            },
            DisabledReason = view.DisabledReason,
            OutboxDepth = view.OutboxDepth,
            CreateTime = Timestamp.FromDateTimeOffset(d.CreatedAt),
            LastDeliveryTime = view.LastDeliveredAt is { } at ? Timestamp.FromDateTimeOffset(at) : null,
        };
        proto.Filter.ServiceIds.AddRange(d.Filter.ServiceIds);
        proto.Filter.Regions.AddRange(d.Filter.Regions);
        proto.Events.AddRange(Events.Where(e => d.Events.HasFlag(e.Value)).Select(e => e.Key));
        switch (d.Channel)
        {
            case NotificationChannel.Webhook:
                proto.WebhookUrl = d.Target;
                break;
            case NotificationChannel.Slack:
                proto.SlackWebhookUrl = d.Target;
                break;
            default:
                proto.Email = d.Target;
                break;
        }

        return proto;
    }

    public static Delivery ToProto(this DeliveryRecord r)
    {
        var proto = new Delivery
        {
            MessageId = r.MessageId, Type = r.Type, Attempt = r.Attempt, AttemptTime = Timestamp.FromDateTimeOffset(r.AttemptedAt), Delivered = r.Delivered,
            HttpStatus = r.HttpStatus, Latency = Duration.FromTimeSpan(r.Latency), Error = r.Error,
            NextAttemptTime = r.NextAttemptAt is { } next ? Timestamp.FromDateTimeOffset(next) : null,
        };
        proto.Subjects.AddRange(r.Subjects);
        return proto;
    }

    /// <summary>The domain level of a filter's min_level (DISRUPTED when unspecified).</summary>
    public static DisruptionLevelModel MinLevel(DisruptionLevel level) => level switch
    {
        DisruptionLevel.Elevated => DisruptionLevelModel.Elevated,
        DisruptionLevel.Outage => DisruptionLevelModel.Outage,
        _ => DisruptionLevelModel.Disrupted,
    };
}
