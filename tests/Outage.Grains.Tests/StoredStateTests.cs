using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;
using Outage.Detection;
using Outage.Grains.Abstractions;

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
            Incident = new IncidentView { Id = "facebook/US@1", Owner = "meta", Services = ["facebook"], Regions = ["US"] },
            PendingRollups = [new RollupDelta(5, 40, new Dictionary<string, int> { ["login"] = 40 }), new RollupDelta(6, 2, new Dictionary<string, int> { ["feed"] = 2 })],
        };
        foreach (var id in new ulong[] { 1UL << 40, 2UL << 40, 3UL << 40 })
        {
            state.ReportIds.Add(id, 100);
        }

        state.Devices.Add(9UL << 40, 100);
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
        Assert.Equal(3, back.ReportIds.Count);
        Assert.True(back.ReportIds.Contains(2UL << 40));
        Assert.False(back.ReportIds.Contains(4UL << 40));
        Assert.True(back.Devices.Contains(9UL << 40));
        Assert.Equal("facebook/US@1", back.Incident!.Id);
        Assert.Equal([5L, 6L], back.PendingRollups.Select(d => d.Sequence));
        Assert.Equal(state.Detector, back.Detector);
    }

    [Fact]
    public void JournaledChangesRoundTripThroughTheSerializerWithoutClrNames()
    {
        var serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer<SeriesChange>>();
        var change = new SeriesChange(7, DateTimeOffset.UnixEpoch, [1, 2], [3], 1, new Dictionary<string, int> { ["login"] = 1 }, "facebook/US-CA", 4);

        var bytes = serializer.SerializeToArray(change);
        var back = serializer.Deserialize(bytes)!;

        Assert.DoesNotContain("Outage.", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        Assert.Equal(change.Sequence, back.Sequence);
        Assert.Equal(change.ReportIds, back.ReportIds);
        Assert.Equal(change.Devices, back.Devices);
        Assert.Equal(change.Categories, back.Categories);
        Assert.Equal(change.Child, back.Child);
        Assert.Equal(change.ChildSequence, back.ChildSequence);
    }
}
