using Outage.Detection;
using Outage.Grains.Abstractions;
using Outage.Grains.Abstractions.Notifications;
using Outage.Grains.Notifications;

namespace Outage.Grains.Tests;

/// <summary>The outbox rules as plain code: coalescing, the minimum duration, the rate bound, order and the retry schedule.</summary>
public class NotificationOutboxTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
    private readonly NotificationOptions _options = new();
    private long _sequence;

    private (SubscriptionGrainState State, NotificationOutbox Outbox) New(TimeSpan minDuration = default, NotificationEvents events = NotificationEvents.All)
    {
        var state = new SubscriptionGrainState
        {
            Definition = new SubscriptionDefinition { Id = "sub_test", KeyName = "k", Target = "https://example.com", Events = events, MinDuration = minDuration },
        };
        return (state, new NotificationOutbox(state, _options));
    }

    private StatusChange Change(string service, string region, DisruptionLevel level, bool recovering = false) =>
        new(++_sequence, SeriesStatusView.Quiet(new SeriesKey(service, region), T0) with { Level = level, Recovering = recovering }, DisruptionLevel.Normal);

    [Fact]
    public void ASeriesThatFlapsWhileWaitingBecomesOneEventAgainstWhatTheReceiverWasTold()
    {
        var (state, outbox) = New();
        outbox.Accept(Change("facebook", "US", DisruptionLevel.Disrupted), T0);
        outbox.Accept(Change("facebook", "US", DisruptionLevel.Normal), T0);
        outbox.Accept(Change("facebook", "US", DisruptionLevel.Outage), T0);
        Assert.Single(state.Pending);

        var message = outbox.FormNext(T0 + TimeSpan.FromSeconds(3))!;
        Assert.Equal(NotificationEvents.Started, message.Kind);
        Assert.Equal(DisruptionLevel.Outage, Assert.Single(message.Items).Status.Level);
    }

    [Fact]
    public void ADisruptionShorterThanTheMinimumDurationSendsNothingAtAll()
    {
        var (state, outbox) = New(minDuration: TimeSpan.FromMinutes(5));
        outbox.Accept(Change("facebook", "US", DisruptionLevel.Outage), T0);
        Assert.Null(outbox.FormNext(T0 + TimeSpan.FromMinutes(2)));
        outbox.Accept(Change("facebook", "US", DisruptionLevel.Normal), T0 + TimeSpan.FromMinutes(3));
        Assert.Null(outbox.FormNext(T0 + TimeSpan.FromMinutes(6)));
        Assert.Empty(state.Pending);
        Assert.Empty(state.Queue);
    }

    [Fact]
    public void ChangesOfManySeriesBecomeOneMessageAndTheRateBoundHoldsTheNext()
    {
        var (state, outbox) = New();
        foreach (var region in new[] { "US", "GB", "FR", "DE", "" })
        {
            outbox.Accept(Change("facebook", region, DisruptionLevel.Outage), T0);
        }

        var first = outbox.FormNext(T0 + TimeSpan.FromSeconds(3))!;
        Assert.Equal(5, first.Items.Count);
        outbox.Record(first, new DeliveryResult(true, 200, TimeSpan.Zero), T0 + TimeSpan.FromSeconds(3), new Random(1));

        outbox.Accept(Change("facebook", "US", DisruptionLevel.Normal), T0 + TimeSpan.FromSeconds(4));
        Assert.Null(outbox.FormNext(T0 + TimeSpan.FromSeconds(8))); // within MinInterval of the first message
        var second = outbox.FormNext(T0 + TimeSpan.FromSeconds(14))!;
        Assert.Equal(NotificationEvents.Resolved, second.Kind);
        Assert.Equal("facebook/US", Assert.Single(second.Items).Subject);
        Assert.NotEqual(first.Id, second.Id);
    }

    [Fact]
    public void AFailingMessageIsRetriedWithItsIdOnTheScheduleAndNewerChangesWaitBehindIt()
    {
        var (state, outbox) = New();
        outbox.Accept(Change("x", "US", DisruptionLevel.Outage), T0);
        var message = outbox.FormNext(T0 + TimeSpan.FromSeconds(3))!;
        var failed = outbox.Record(message, new DeliveryResult(false, 500, TimeSpan.Zero, "HTTP 500"), T0 + TimeSpan.FromSeconds(3), new Random(1));
        Assert.InRange(failed.NextAttemptAt!.Value - failed.AttemptedAt, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(6));

        outbox.Accept(Change("x", "US", DisruptionLevel.Normal), T0 + TimeSpan.FromSeconds(4));
        Assert.Null(outbox.Due(T0 + TimeSpan.FromSeconds(3.5)));
        Assert.Null(outbox.FormNext(T0 + TimeSpan.FromSeconds(20))); // the queue is not empty: the resolution waits, in order
        Assert.Same(message, outbox.Due(T0 + TimeSpan.FromSeconds(20)));
        outbox.Record(message, new DeliveryResult(true, 200, TimeSpan.Zero), T0 + TimeSpan.FromSeconds(20), new Random(1));
        Assert.Equal(NotificationEvents.Resolved, outbox.FormNext(T0 + TimeSpan.FromSeconds(31))!.Kind);
    }

    [Fact]
    public void AfterTheLastScheduledAttemptFailsTheSubscriptionIsDisabledAndSaysWhy()
    {
        var (state, outbox) = New();
        outbox.Accept(Change("x", "US", DisruptionLevel.Outage), T0);
        var message = outbox.FormNext(T0 + TimeSpan.FromSeconds(3))!;
        var at = T0;
        for (var attempt = 0; attempt <= _options.EffectiveRetryDelays.Count; attempt++)
        {
            at += TimeSpan.FromDays(1);
            outbox.Record(message, new DeliveryResult(false, 0, TimeSpan.Zero, "unreachable: connection refused"), at, new Random(1));
        }

        Assert.Equal(SubscriptionStatus.Disabled, state.Status);
        Assert.Contains("8 attempts", state.DisabledReason);
        Assert.Contains("connection refused", state.DisabledReason);
        Assert.Equal(0, state.OutboxDepth);
    }

    [Fact]
    public void EventsNotAskedForAreDroppedButTheReceiversPictureMovesOn()
    {
        var (_, outbox) = New(events: NotificationEvents.Started | NotificationEvents.Resolved);
        outbox.Accept(Change("x", "US", DisruptionLevel.Disrupted), T0);
        var started = outbox.FormNext(T0 + TimeSpan.FromSeconds(3))!;
        outbox.Record(started, new DeliveryResult(true, 200, TimeSpan.Zero), T0 + TimeSpan.FromSeconds(3), new Random(1));
        outbox.Accept(Change("x", "US", DisruptionLevel.Outage), T0 + TimeSpan.FromSeconds(20));
        Assert.Null(outbox.FormNext(T0 + TimeSpan.FromSeconds(30))); // a level raise was not asked for
        outbox.Accept(Change("x", "US", DisruptionLevel.Normal), T0 + TimeSpan.FromSeconds(40));
        var resolved = outbox.FormNext(T0 + TimeSpan.FromSeconds(50))!;
        Assert.Equal(NotificationEvents.Resolved, resolved.Kind);
        Assert.Equal(DisruptionLevel.Outage, resolved.Items[0].PreviousLevel);
    }

    [Fact]
    public void AChangeRoutedTwiceIsTakenOnce()
    {
        var (state, outbox) = New();
        var change = Change("x", "US", DisruptionLevel.Outage);
        Assert.True(outbox.Accept(change, T0));
        Assert.False(outbox.Accept(change, T0));
        Assert.Single(state.Pending);
    }
}
