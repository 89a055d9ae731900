using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;
using Outage.Detection;

namespace Outage.Grains.Tests;

public class StoredStateTests
{
    private static OrleansGrainStorageSerializer StorageSerializer() =>
        new(new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>());

    [Fact]
    public void StoredSeriesStateNamesNoClrTypeAndRoundTrips()
    {
        var state = new SeriesState
        {
            Detector = new SeriesDetector(new DetectorSettings()).Save(),
            OpenReports = 42,
            OpenCategories = { ["login"] = 40, ["feed"] = 2 },
            Timeline = [new TimelinePoint(DateTimeOffset.UnixEpoch, 7, 3.5f, DisruptionLevel.Elevated)],
            ReportIds = [1, 2, 3],
            Devices = { [9] = 1234 },
            Incident = new IncidentView { Id = "facebook/US@1", Owner = "meta", Services = ["facebook"], Regions = ["US"] },
            PendingRollup = new RollupDelta(5, 42, new Dictionary<string, int> { ["login"] = 40 }),
        };
        var serializer = StorageSerializer();

        var bytes = serializer.Serialize(state).ToArray();
        var back = serializer.Deserialize<SeriesState>(new BinaryData(bytes))!;

        // Renaming a C# type must not break stored state: no CLR type or namespace name is stored.
        var text = Encoding.UTF8.GetString(bytes);
        Assert.DoesNotContain("Outage.", text, StringComparison.Ordinal);
        Assert.DoesNotContain(nameof(SeriesState), text, StringComparison.Ordinal);
        Assert.DoesNotContain(nameof(IncidentView), text, StringComparison.Ordinal);
        Assert.Equal(42, back.OpenReports);
        Assert.Equal(40, back.OpenCategories["login"]);
        Assert.Equal(state.Timeline, back.Timeline);
        Assert.Equal([1UL, 2UL, 3UL], back.ReportIds.Order());
        Assert.Equal("facebook/US@1", back.Incident!.Id);
        Assert.Equal(5, back.PendingRollup!.Sequence);
        Assert.Equal(state.Detector, back.Detector);
    }
}
