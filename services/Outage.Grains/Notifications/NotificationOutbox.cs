using Outage.Detection;
using Outage.Grains.Abstractions;
using Outage.Grains.Abstractions.Notifications;

namespace Outage.Grains.Notifications;

/// <summary>
/// A subscription's outbox rules, over its saved <see cref="SubscriptionGrainState"/>: which changes become which messages,
/// when, and what a failed attempt means.
/// </summary>
/// <remarks>
/// <para><b>Coalescing.</b> A change waits in <see cref="SubscriptionGrainState.Pending"/>, one entry per series: a newer change
/// of the series replaces the older one. When it is put in a message, its event type is decided by comparing the series'
/// latest status with what the receiver was last told (<see cref="SubscriptionGrainState.Told"/>): a series that went up and
/// down twice while a message was in flight yields one "level raised", not four events, and one that recovered before its
/// minimum duration yields nothing. All due changes of one event type go in one message (up to
/// <see cref="NotificationOptions.MaxItemsPerMessage"/>), and messages are at least <see cref="NotificationOptions.MinInterval"/>
/// apart, so a family outage of two dozen series is a few messages, not two dozen.</para>
/// <para><b>Order.</b> Messages are delivered one at a time, oldest first: a series' events arrive in order. A message keeps
/// its id over every attempt; a failed one is retried after <see cref="NotificationOptions.EffectiveRetryDelays"/> (with
/// jitter) or the target's <c>Retry-After</c>, while newer changes keep coalescing behind it.</para>
/// </remarks>
/// <param name="state">The subscription's saved state, changed in place.</param>
/// <param name="options">Delivery options.</param>
public sealed class NotificationOutbox(SubscriptionGrainState state, NotificationOptions options)
{
    /// <summary>The longest <c>Retry-After</c> honoured.</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromDays(1);

    private const int MaxTraceLinks = 8;

    /// <summary>Takes a routed change in; false when it was already taken (by sequence).</summary>
    public bool Accept(StatusChange change, DateTimeOffset now)
    {
        if (change.Sequence <= state.LastSequence)
        {
            return false;
        }

        state.LastSequence = change.Sequence;
        var definition = state.Definition;
        // Nothing is queued before an e-mail address confirmed, nor while disabled.
        if (definition is null || state.Status != SubscriptionStatus.Active)
        {
            return true;
        }

        if (change.Statement is { } statement)
        {
            if (definition.Events.HasFlag(NotificationEvents.Statement))
            {
                state.Pending.Add(new PendingNotice
                {
                    Subject = $"statement:{change.Sequence}", Status = change.Status, Statement = statement, FirstAt = now, LastAt = now,
                    TraceParents = change.TraceParent is { } t ? [t] : [],
                });
            }

            return true;
        }

        var subject = change.Status.Series.ToString();
        var pending = state.Pending.Find(p => p.Subject == subject);
        if (pending is null)
        {
            state.Pending.Add(new PendingNotice
            {
                Subject = subject, Status = change.Status, FirstAt = now, LastAt = now, TraceParents = change.TraceParent is { } t ? [t] : [],
            });
        }
        else
        {
            pending.Status = change.Status;
            pending.LastAt = now;
            if (change.TraceParent is { } t && pending.TraceParents.Count < MaxTraceLinks)
            {
                pending.TraceParents.Add(t);
            }
        }

        return true;
    }

    /// <summary>
    /// Forms the next message when none is waiting, the rate bound allows one and some change is due; drops the changes
    /// there is nothing to tell about. Returns the message (already in the queue) or null.
    /// </summary>
    public NotificationMessage? FormNext(DateTimeOffset now)
    {
        var definition = state.Definition;
        if (definition is null || state.Status != SubscriptionStatus.Active || state.Queue.Count > 0 || now < state.NextMessageAt)
        {
            return null;
        }

        var due = new List<(PendingNotice Notice, NotificationEvents Kind)>();
        foreach (var notice in state.Pending.ToArray())
        {
            if (now < notice.FirstAt + options.CoalesceWindow)
            {
                continue;
            }

            var kind = Classify(notice, definition);
            if (kind == NotificationEvents.Started && now < notice.FirstAt + definition.MinDuration)
            {
                continue; // not disrupted for long enough yet: if it recovers first, nothing is sent
            }

            if (kind == NotificationEvents.None || !definition.Events.HasFlag(kind))
            {
                // Nothing to tell (or an event not asked for): the receiver's picture moves on without a message.
                Tell(notice, definition, now);
                state.Pending.Remove(notice);
                continue;
            }

            due.Add((notice, kind));
        }

        if (due.Count == 0)
        {
            return null;
        }

        var type = due[0].Kind;
        var chosen = due.Where(d => d.Kind == type).Take(Math.Max(1, options.MaxItemsPerMessage)).ToList();
        var items = new List<NotificationItem>(chosen.Count);
        foreach (var (notice, _) in chosen)
        {
            var told = state.Told.GetValueOrDefault(notice.Subject);
            items.Add(new NotificationItem { Status = notice.Status, PreviousLevel = told?.Level ?? DisruptionLevel.Normal, Statement = notice.Statement });
            Tell(notice, definition, now);
            state.Pending.Remove(notice);
        }

        var message = NewMessage(type, now, items, chosen.SelectMany(c => c.Notice.TraceParents).Distinct().Take(MaxTraceLinks).ToArray());
        state.Queue.Add(message);
        state.NextMessageAt = now + options.MinInterval;
        return message;
    }

    /// <summary>Queues the e-mail confirmation request (sent while the subscription waits for it).</summary>
    public void QueueConfirmation(DateTimeOffset now) => state.Queue.Add(NewMessage(NotificationEvents.None, now, [], []));

    /// <summary>The message to attempt now, if any: the head of the queue once due (a confirmation also before the subscription is active).</summary>
    public NotificationMessage? Due(DateTimeOffset now)
    {
        if (state.Queue.Count == 0 || state.Queue[0].NextAttemptAt > now)
        {
            return null;
        }

        var head = state.Queue[0];
        return state.Status == SubscriptionStatus.Active || (state.Status == SubscriptionStatus.PendingConfirmation && head.Kind == NotificationEvents.None) ? head : null;
    }

    /// <summary>Records an attempt of <paramref name="message"/>: delivered, to be retried, or the end of the subscription.</summary>
    public DeliveryRecord Record(NotificationMessage message, DeliveryResult result, DateTimeOffset now, Random random)
    {
        message.Attempts++;
        DateTimeOffset? next = null;
        if (result.Delivered)
        {
            state.Queue.Remove(message);
            if (message.Kind != NotificationEvents.None)
            {
                state.Delivered.Insert(0, message);
                Trim(state.Delivered, options.ReplayableMessages);
            }

            state.LastDeliveredAt = now;
            state.ConsecutiveFailures = 0;
        }
        else
        {
            state.ConsecutiveFailures++;
            var delays = options.EffectiveRetryDelays;
            if (result.HttpStatus == 410)
            {
                Disable($"the target answered 410 Gone at {now:u}");
            }
            else if (message.Attempts > delays.Count)
            {
                Disable($"{message.Attempts} attempts of {message.Id} failed between {message.CreatedAt:u} and {now:u} (last: {result.Error})");
            }
            else
            {
                var wait = result.RetryAfter is { } asked
                    ? TimeSpan.FromTicks(Math.Clamp(asked.Ticks, TimeSpan.FromSeconds(1).Ticks, MaxRetryAfter.Ticks))
                    : Jittered(delays[message.Attempts - 1], random);
                message.NextAttemptAt = now + wait;
                next = message.NextAttemptAt;
            }
        }

        var record = new DeliveryRecord
        {
            MessageId = message.Id, Type = message.Type, Attempt = message.Attempts, AttemptedAt = now, Delivered = result.Delivered,
            HttpStatus = result.HttpStatus, Latency = result.Latency, Error = result.Error, NextAttemptAt = next,
            Subjects = message.Items.Select(i => i.Subject).ToArray(),
        };
        state.Log.Insert(0, record);
        Trim(state.Log, options.DeliveryLogSize);
        return record;
    }

    /// <summary>Queues a delivered message again, with its id, after what is queued; false when it is no longer kept.</summary>
    public bool Replay(string messageId, DateTimeOffset now)
    {
        var kept = state.Delivered.Find(m => m.Id == messageId);
        if (kept is null)
        {
            return false;
        }

        state.Queue.Add(new NotificationMessage
        {
            Id = kept.Id, Kind = kept.Kind, CreatedAt = kept.CreatedAt, Items = kept.Items, NextAttemptAt = now, TraceParents = kept.TraceParents,
        });
        return true;
    }

    /// <summary>Stops sending: drops what was waiting and forgets what the receiver was told (re-enabling starts afresh).</summary>
    public void Disable(string reason)
    {
        state.Status = SubscriptionStatus.Disabled;
        state.DisabledReason = reason;
        state.Pending.Clear();
        state.Queue.Clear();
        state.Told.Clear();
    }

    /// <summary>The event the receiver should be told for a notice, against what it was last told.</summary>
    public NotificationEvents Classify(PendingNotice notice, SubscriptionDefinition definition)
    {
        if (notice.Statement is not null)
        {
            return NotificationEvents.Statement;
        }

        var level = Effective(notice.Status.Level, definition);
        var told = state.Told.GetValueOrDefault(notice.Subject);
        var toldLevel = told?.Level ?? DisruptionLevel.Normal;
        return (toldLevel, level) switch
        {
            (DisruptionLevel.Normal, DisruptionLevel.Normal) => NotificationEvents.None,
            (DisruptionLevel.Normal, _) => NotificationEvents.Started,
            (_, DisruptionLevel.Normal) => NotificationEvents.Resolved,
            _ when level > toldLevel => NotificationEvents.LevelRaised,
            _ when level < toldLevel => NotificationEvents.Recovering,
            _ => notice.Status.Recovering && !told!.Recovering ? NotificationEvents.Recovering : NotificationEvents.None,
        };
    }

    /// <summary>A level as the subscription sees it: below its minimum level is NORMAL.</summary>
    private static DisruptionLevel Effective(DisruptionLevel level, SubscriptionDefinition definition) =>
        level >= definition.Filter.MinLevel ? level : DisruptionLevel.Normal;

    private void Tell(PendingNotice notice, SubscriptionDefinition definition, DateTimeOffset now)
    {
        if (notice.Statement is not null)
        {
            return;
        }

        var level = Effective(notice.Status.Level, definition);
        if (level == DisruptionLevel.Normal)
        {
            state.Told.Remove(notice.Subject);
        }
        else
        {
            var since = state.Told.GetValueOrDefault(notice.Subject)?.Since ?? now;
            state.Told[notice.Subject] = new ToldState(level, notice.Status.Recovering, since);
        }
    }

    private NotificationMessage NewMessage(NotificationEvents kind, DateTimeOffset now, IReadOnlyList<NotificationItem> items, IReadOnlyList<string> traceParents)
    {
        var id = state.Definition!.Id;
        var number = ++state.MessagesFormed;
        return new NotificationMessage
        {
            Id = $"msg_{id[(id.IndexOf('_') + 1)..]}_{number:D6}", Kind = kind, CreatedAt = now, Items = items, NextAttemptAt = now,
            TraceParents = traceParents,
        };
    }

    /// <summary>A wait within ±20 % of <paramref name="delay"/>, so that receivers that failed together are not retried together.</summary>
    private static TimeSpan Jittered(TimeSpan delay, Random random) => delay * (0.8 + (0.4 * random.NextDouble()));

    private static void Trim<T>(List<T> list, int keep)
    {
        if (list.Count > keep)
        {
            list.RemoveRange(keep, list.Count - keep);
        }
    }
}
