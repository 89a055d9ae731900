using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Outage.Detection;
using Outage.Grains;
using Outage.Grains.Abstractions;
using Outage.Host.Watch;

namespace Outage.Host.Tests;

public class WatchHubTests
{
    /// <summary>
    /// Regression: a stream that fell too far behind was dropped without the gauge's decrement, so
    /// <c>outage_watch_subscribers</c> only grew.
    /// </summary>
    [Fact]
    public async Task AStreamDroppedForFallingBehindLeavesTheSubscriberGauge()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        long subscribers = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, meters) && instrument.Name == "outage.watch.subscribers")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref subscribers, value));
        listener.Start();
        // No grain is called while the changes arrive in sequence (only a gap makes the hub catch up from the feed).
        var hub = new WatchHub(null!, new OutageMetrics(meters), NullLogger<WatchHub>.Instance);

        var slow = hub.Subscribe(); // never read: it falls behind after 10,000 changes
        Assert.Equal(1, Interlocked.Read(ref subscribers));
        for (var sequence = 1; sequence <= 10_001; sequence++)
        {
            hub.OnStatusChanged(new StatusChange(sequence, new SeriesStatusView { ServiceId = "facebook", Region = "US", Level = DisruptionLevel.Outage }, DisruptionLevel.Normal));
        }

        await WaitUntil(() => hub.Sequence == 10_001);
        Assert.Equal(0, Interlocked.Read(ref subscribers));
        slow.Dispose(); // the stream's own end after the drop must not count it twice
        Assert.Equal(0, Interlocked.Read(ref subscribers));
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(25);
        }

        Assert.True(condition());
    }
}
