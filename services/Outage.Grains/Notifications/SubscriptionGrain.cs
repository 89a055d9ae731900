using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Outage.Grains.Abstractions;
using Outage.Grains.Abstractions.Notifications;

namespace Outage.Grains.Notifications;

/// <summary>
/// One subscription (key: its id): its definition and secrets, and the durable outbox of what it owes its target. A change
/// is saved in the outbox before anything is attempted, and a message keeps its id over every attempt: a silo that dies
/// mid-delivery leaves the message in the saved outbox, and the reminder brings the grain back on another silo to send
/// it again with the same <c>webhook-id</c>.
/// </summary>
/// <remarks>
/// Deliveries run on an interleaved timer, one at a time: while a slow target keeps an attempt waiting (at most the request
/// timeout), the router still hands this grain new changes, which coalesce behind it. Saves go through one gate so that an
/// interleaved save never races another.
/// </remarks>
public sealed partial class SubscriptionGrain(
    [PersistentState("subscription", StorageNames.State)] IPersistentState<SubscriptionGrainState> state,
    NotificationSender sender,
    IOptions<NotificationOptions> options,
    [FromKeyedServices(OutageClock.Key)] TimeProvider clock,
    OutageMetrics metrics,
    ILogger<SubscriptionGrain> logger) : Grain, ISubscriptionGrain, IRemindable
{
    private const string ReminderName = "deliver";
    private readonly SemaphoreSlim _saving = new(1, 1);
    private NotificationOutbox _outbox = null!;
    private IGrainTimer? _timer;
    private bool _delivering;
    private bool _reminderHeld;

    private SubscriptionGrainState S => state.State;

    private INotificationRouterGrain Router => GrainFactory.GetGrain<INotificationRouterGrain>(0);

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _outbox = new NotificationOutbox(S, options.Value);
        metrics.NotificationOutboxChanged(S.OutboxDepth);
        EnsureTimer();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        metrics.NotificationOutboxChanged(-S.OutboxDepth);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<CreatedSubscription> CreateAsync(SubscriptionDefinition definition)
    {
        if (S.Definition is not null)
        {
            throw new InvalidOperationException($"Subscription {definition.Id} exists.");
        }

        S.Definition = definition;
        S.Secrets = definition.Channel == NotificationChannel.Webhook ? [SigningSecret.Create()] : [];
        S.UnsubscribeToken = Token();
        if (definition.Channel == NotificationChannel.Email)
        {
            S.Status = SubscriptionStatus.PendingConfirmation;
            S.ConfirmationToken = Token();
            _outbox.QueueConfirmation(clock.GetUtcNow());
        }

        await SaveAsync(() => Router.RegisterAsync(definition));
        return new CreatedSubscription(View()!, S.Secrets.FirstOrDefault()?.Value ?? "");
    }

    /// <inheritdoc />
    public Task<SubscriptionView?> GetAsync() => Task.FromResult(View());

    /// <inheritdoc />
    public async Task<SubscriptionView?> UpdateAsync(SubscriptionDefinition definition, bool? enable)
    {
        if (S.Definition is null)
        {
            return null;
        }

        S.Definition = S.Definition with
        {
            Filter = definition.Filter, Events = definition.Events, MinDuration = definition.MinDuration, Description = definition.Description,
        };
        if (enable == true && S.Status == SubscriptionStatus.Disabled)
        {
            (S.Status, S.DisabledReason, S.ConsecutiveFailures) = (SubscriptionStatus.Active, "", 0);
        }
        else if (enable == false && S.Status != SubscriptionStatus.Disabled)
        {
            _outbox.Disable("disabled by its owner");
        }

        await SaveAsync(() => Router.RegisterAsync(S.Definition));
        return View();
    }

    /// <inheritdoc />
    public async Task DeleteAsync()
    {
        if (S.Definition is { } definition)
        {
            metrics.NotificationOutboxChanged(-S.OutboxDepth);
            await Router.UnregisterAsync(definition.Id);
            await _saving.WaitAsync(); // not while an interleaved save is in flight
            try
            {
                await state.ClearStateAsync();
            }
            finally
            {
                _saving.Release();
            }

            _outbox = new NotificationOutbox(S, options.Value);
        }
    }

    /// <inheritdoc />
    public async Task<string?> RotateSecretAsync(TimeSpan grace)
    {
        if (S.Definition?.Channel != NotificationChannel.Webhook)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        var fresh = SigningSecret.Create();
        S.Secrets = [fresh, .. S.Secrets.Where(s => s.ExpiresAt is null || s.ExpiresAt > now).Select(s => s with { ExpiresAt = s.ExpiresAt ?? now + grace })];
        await SaveAsync();
        return fresh.Value;
    }

    /// <inheritdoc />
    public Task<DeliveryRecord[]> GetDeliveriesAsync() => Task.FromResult(S.Log.ToArray());

    /// <inheritdoc />
    public async Task<bool> ReplayAsync(string messageId)
    {
        if (!_outbox.Replay(messageId, clock.GetUtcNow()))
        {
            return false;
        }

        metrics.NotificationOutboxChanged(1);
        await SaveAsync();
        return true;
    }

    /// <inheritdoc />
    public async Task EnqueueAsync(StatusChange[] changes)
    {
        var now = clock.GetUtcNow();
        var before = S.OutboxDepth;
        var taken = false;
        foreach (var change in changes)
        {
            taken |= _outbox.Accept(change, now);
        }

        if (taken)
        {
            metrics.NotificationOutboxChanged(S.OutboxDepth - before);
            await SaveAsync(); // saved before the router counts it delivered: from here on it survives this silo
        }
    }

    /// <inheritdoc />
    public async Task<bool> ConfirmAsync(string token)
    {
        if (S.Definition is null || !Matches(S.ConfirmationToken, token))
        {
            return false;
        }

        if (S.Status == SubscriptionStatus.PendingConfirmation)
        {
            S.Status = SubscriptionStatus.Active;
            await SaveAsync();
            LogConfirmed(logger, S.Definition.Id);
        }

        return true;
    }

    /// <inheritdoc />
    public async Task<bool> UnsubscribeAsync(string token)
    {
        if (S.Definition is null || !Matches(S.UnsubscribeToken, token))
        {
            return false;
        }

        if (S.Status != SubscriptionStatus.Disabled)
        {
            var before = S.OutboxDepth;
            _outbox.Disable("unsubscribed by its recipient");
            metrics.NotificationOutboxChanged(S.OutboxDepth - before);
            await SaveAsync();
        }

        return true;
    }

    /// <inheritdoc />
    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask; // activating is the point: the timer delivers

    /// <summary>Forms the next message if one is due and attempts the head of the queue; one attempt at a time.</summary>
    private async Task TickAsync()
    {
        if (_delivering || S.Definition is null)
        {
            return;
        }

        _delivering = true;
        try
        {
            var now = clock.GetUtcNow();
            var before = S.OutboxDepth;
            var formed = _outbox.FormNext(now);
            if (S.OutboxDepth != before || formed is not null)
            {
                metrics.NotificationOutboxChanged(S.OutboxDepth - before);
                await SaveAsync(); // the message and its id are saved before its first attempt
            }

            if (_outbox.Due(now) is { } message)
            {
                await DeliverAsync(message);
            }

            await HoldReminderWhileOwingAsync();
        }
        finally
        {
            _delivering = false;
        }
    }

    private async Task DeliverAsync(NotificationMessage message)
    {
        var definition = S.Definition!;
        using var activity = OutageMetrics.ActivitySource.StartActivity("notification delivery", ActivityKind.Client, parentContext: default,
            links: message.TraceParents.Select(t => ActivityContext.TryParse(t, null, out var c) ? new ActivityLink(c) : default).Where(l => l.Context != default));
        activity?.SetTag("outage.subscription", definition.Id);
        activity?.SetTag("outage.notification.type", message.Type);
        activity?.SetTag("outage.notification.id", message.Id);
        var result = await sender.SendAsync(definition, S, message, clock.GetUtcNow(), CancellationToken.None);
        if (S.Definition is null)
        {
            return; // deleted while the attempt was in flight
        }

        var before = S.OutboxDepth;
        var record = _outbox.Record(message, result, clock.GetUtcNow(), Random.Shared);
        activity?.SetTag("outage.notification.outcome", result.Outcome);
        activity?.SetStatus(result.Delivered ? ActivityStatusCode.Ok : ActivityStatusCode.Error, result.Error);
        metrics.NotificationAttempted(definition.Channel, result.Outcome, result.Latency);
        metrics.NotificationOutboxChanged(S.OutboxDepth - before);
        if (!result.Delivered)
        {
            LogAttemptFailed(logger, message.Id, definition.Id, record.Attempt, result.Error, S.Status == SubscriptionStatus.Disabled ? S.DisabledReason : $"next attempt {record.NextAttemptAt:u}");
        }

        await SaveAsync();
    }

    /// <summary>Holds the reminder while the outbox owes something (it brings the grain back after its silo died); drops it when empty.</summary>
    private async Task HoldReminderWhileOwingAsync()
    {
        var owing = S.OutboxDepth > 0 && S.Status != SubscriptionStatus.Disabled;
        if (owing && !_reminderHeld)
        {
            await this.RegisterOrUpdateReminder(ReminderName, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
            _reminderHeld = true;
        }
        else if (!owing && _reminderHeld)
        {
            if (await this.GetReminder(ReminderName) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }

            _reminderHeld = false;
        }
    }

    private void EnsureTimer()
    {
        var tick = options.Value.PollInterval;
        _timer ??= this.RegisterGrainTimer(_ => TickAsync(), new GrainTimerCreationOptions(tick, tick) { Interleave = true });
    }

    /// <summary>Saves the state (one save at a time), then runs <paramref name="after"/>.</summary>
    private async Task SaveAsync(Func<Task>? after = null)
    {
        await _saving.WaitAsync();
        try
        {
            await state.WriteStateAsync();
        }
        finally
        {
            _saving.Release();
        }

        if (after is not null)
        {
            await after();
        }
    }

    private SubscriptionView? View() => S.Definition is null ? null : new SubscriptionView
    {
        Definition = S.Definition, Status = S.Status, DisabledReason = S.DisabledReason, OutboxDepth = S.OutboxDepth, LastDeliveredAt = S.LastDeliveredAt,
    };

    private static string Token() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_').TrimEnd('=');

    private static bool Matches(string expected, string given) =>
        expected.Length > 0 && CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(expected), System.Text.Encoding.UTF8.GetBytes(given));

    [LoggerMessage(Level = LogLevel.Information, Message = "Subscription {Subscription} confirmed by its e-mail address")]
    private static partial void LogConfirmed(ILogger logger, string subscription);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification {Message} of subscription {Subscription}, attempt {Attempt}, failed: {Error}; {Next}")]
    private static partial void LogAttemptFailed(ILogger logger, string message, string subscription, int attempt, string error, string next);
}
