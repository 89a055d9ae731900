using System.Globalization;
using System.Security.Cryptography;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Outage.Contracts.V1;
using SubscriptionState = Outage.Contracts.V1.SubscriptionState;
using Outage.Grains;
using Outage.Grains.Abstractions.Notifications;
using NotificationOptions = Outage.Grains.Notifications.NotificationOptions;
using Outage.Host.Notifications;

namespace Outage.Host.Grpc;

/// <summary>NotificationService (scope notifications:write or admin): a thin adapter to the subscription grains; a key sees only its own subscriptions.</summary>
internal sealed class NotificationGrpcService(
    IGrainFactory grains,
    SubscriptionCreation creation,
    SubscriptionValidator validator,
    IOptions<NotificationOptions> options) : NotificationService.NotificationServiceBase
{
    private const int DefaultPageSize = 50;
    private const int MaxPageSize = 100;
    private static readonly TimeSpan DefaultGrace = TimeSpan.FromHours(24);
    private static readonly TimeSpan MaxGrace = TimeSpan.FromDays(7);

    private INotificationRouterGrain Router => grains.GetGrain<INotificationRouterGrain>(0);

    public override async Task<CreateSubscriptionResponse> CreateSubscription(CreateSubscriptionRequest request, ServerCallContext context)
    {
        var created = await creation.CreateAsync(request.Subscription ?? new Subscription(), KeyName(context), options.Value.MaxSubscriptionsPerKey, context.CancellationToken);
        return new CreateSubscriptionResponse { Subscription = created.Subscription.ToProto(), SigningSecret = created.Secret };
    }

    public override async Task<GetSubscriptionResponse> GetSubscription(GetSubscriptionRequest request, ServerCallContext context)
    {
        var (_, view) = await OwnAsync(request.SubscriptionId, context);
        return new GetSubscriptionResponse { Subscription = view.ToProto() };
    }

    public override async Task<ListSubscriptionsResponse> ListSubscriptions(ListSubscriptionsRequest request, ServerCallContext context)
    {
        var v = new RequestValidation();
        v.Check(request.PageSize is >= 0 and <= MaxPageSize, "page_size", $"must be 0 to {MaxPageSize}");
        var offset = 0;
        v.Check(request.PageToken.Length == 0 || (int.TryParse(request.PageToken, NumberStyles.None, CultureInfo.InvariantCulture, out offset) && offset >= 0),
            "page_token", "is not a next_page_token of this list");
        v.ThrowIfInvalid();

        var size = request.PageSize == 0 ? DefaultPageSize : request.PageSize;
        var ids = await Router.ListAsync(KeyName(context));
        var page = await Task.WhenAll(ids.Skip(offset).Take(size).Select(id => grains.GetGrain<ISubscriptionGrain>(id).GetAsync()));
        var response = new ListSubscriptionsResponse { NextPageToken = offset + size < ids.Length ? (offset + size).ToString(CultureInfo.InvariantCulture) : "" };
        response.Subscriptions.AddRange(page.Where(p => p is not null).Select(p => p!.ToProto()));
        return response;
    }

    public override async Task<UpdateSubscriptionResponse> UpdateSubscription(UpdateSubscriptionRequest request, ServerCallContext context)
    {
        var s = request.Subscription ?? new Subscription();
        var (grain, current) = await OwnAsync(s.SubscriptionId, context, "subscription.subscription_id");
        string[] known = ["filter", "events", "min_duration", "description", "state"];
        var paths = request.UpdateMask?.Paths.Count > 0 ? request.UpdateMask.Paths.ToArray() : known;
        var v = new RequestValidation();
        foreach (var path in paths)
        {
            v.Check(known.Contains(path), "update_mask", $"names '{path}', which is not one of {string.Join(", ", known)}");
        }

        var (filter, events, minDuration, description) = validator.Settings(s, ref v);
        var enable = !paths.Contains("state") ? (bool?)null : s.State switch
        {
            SubscriptionState.Active => true,
            SubscriptionState.Disabled => false,
            _ => null,
        };
        v.Check(!paths.Contains("state") || enable is not null, "subscription.state", "must be ACTIVE or DISABLED");
        v.ThrowIfInvalid();

        var d = current.Definition;
        var updated = d with
        {
            Filter = paths.Contains("filter") ? filter : d.Filter,
            Events = paths.Contains("events") ? events : d.Events,
            MinDuration = paths.Contains("min_duration") ? minDuration : d.MinDuration,
            Description = paths.Contains("description") ? description : d.Description,
        };
        var view = await grain.UpdateAsync(updated, enable);
        return new UpdateSubscriptionResponse { Subscription = view!.ToProto() };
    }

    public override async Task<DeleteSubscriptionResponse> DeleteSubscription(DeleteSubscriptionRequest request, ServerCallContext context)
    {
        var (grain, _) = await OwnAsync(request.SubscriptionId, context);
        await grain.DeleteAsync();
        return new DeleteSubscriptionResponse();
    }

    public override async Task<RotateSubscriptionSecretResponse> RotateSubscriptionSecret(RotateSubscriptionSecretRequest request, ServerCallContext context)
    {
        var (grain, view) = await OwnAsync(request.SubscriptionId, context);
        var grace = request.GracePeriod?.ToTimeSpan() ?? DefaultGrace;
        var v = new RequestValidation();
        v.Check(grace >= TimeSpan.Zero && grace <= MaxGrace, "grace_period", "must be 0 to 7 days");
        v.Check(view.Definition.Channel == NotificationChannel.Webhook, "subscription_id", "is not a webhook subscription (only webhooks are signed)");
        v.ThrowIfInvalid();
        return new RotateSubscriptionSecretResponse { SigningSecret = await grain.RotateSecretAsync(grace) ?? "" };
    }

    public override async Task<ListDeliveriesResponse> ListDeliveries(ListDeliveriesRequest request, ServerCallContext context)
    {
        var (grain, _) = await OwnAsync(request.SubscriptionId, context);
        var response = new ListDeliveriesResponse();
        response.Deliveries.AddRange((await grain.GetDeliveriesAsync()).Select(d => d.ToProto()));
        return response;
    }

    public override async Task<ReplayDeliveryResponse> ReplayDelivery(ReplayDeliveryRequest request, ServerCallContext context)
    {
        var (grain, _) = await OwnAsync(request.SubscriptionId, context);
        if (request.MessageId.Length is 0 or > 100 || !await grain.ReplayAsync(request.MessageId))
        {
            RpcErrors.NotFound($"Message '{request.MessageId}' is not among the last delivered messages of {request.SubscriptionId} (see ListDeliveries).");
        }

        return new ReplayDeliveryResponse();
    }

    /// <summary>The subscription <paramref name="id"/> if the caller's key created it; NOT_FOUND otherwise (another key's subscription is not revealed).</summary>
    private async Task<(ISubscriptionGrain Grain, SubscriptionView View)> OwnAsync(string id, ServerCallContext context, string field = "subscription_id")
    {
        if (id.Length == 0)
        {
            RpcErrors.InvalidArgument(field, RequestValidation.Required);
        }

        var grain = grains.GetGrain<ISubscriptionGrain>(id);
        var view = id.Length <= 64 && id.StartsWith("sub_", StringComparison.Ordinal) ? await grain.GetAsync() : null;
        if (view is null || view.Definition.KeyName != KeyName(context))
        {
            RpcErrors.NotFound($"No subscription '{id}' of this key (see ListSubscriptions).");
        }

        return (grain, view);
    }

    private static string KeyName(ServerCallContext context) =>
        context.GetHttpContext().User.Identity?.Name is { Length: > 0 } name ? name : throw new RpcException(new Status(StatusCode.Unauthenticated, "A key is needed."));
}
