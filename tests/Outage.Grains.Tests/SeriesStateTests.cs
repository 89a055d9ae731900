using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Outage.Grains.Abstractions;

namespace Outage.Grains.Tests;

public class SeriesStateTests
{
    private static readonly DateTimeOffset Bucket = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private static IngestItem Item(ulong id, ulong device, string category = "login") => new(id, device + (1UL << 40), category);

    [Fact]
    public void DecidingChangesNothingAndAppliesOutcomesWithinTheBatch()
    {
        var state = new SeriesState { OpenStart = Bucket };
        var (outcomes, change) = state.Decide([Item(1, 1), Item(1, 2), Item(2, 1), Item(3, 3, "feed")]);

        Assert.Equal([IngestOutcome.Accepted, IngestOutcome.Duplicate, IngestOutcome.DeviceAlreadyCounted, IngestOutcome.Accepted], outcomes);
        Assert.Equal(0, state.OpenReports);
        Assert.Equal(0, state.ReportIds.Count);
        Assert.Equal(2, change.Reports);
        Assert.Equal(3, change.ReportIds.Length); // the device-already-counted report is remembered too
        Assert.Equal(2, change.Devices.Length);
        Assert.Equal(1, change.Sequence);
    }

    [Fact]
    public void ApplyingCountsRemembersAndQueuesTheRollUp()
    {
        var state = new SeriesState { OpenStart = Bucket };
        var (_, change) = state.Decide([Item(1, 1), Item(2, 2, "feed")]);
        state.Apply(change, hasParent: true, dedupeCapacity: 100);

        Assert.Equal(2, state.OpenReports);
        Assert.Equal(1, state.OpenCategories["feed"]);
        Assert.Equal((1L, 2), (state.PendingRollups.Single().Sequence, state.PendingRollups.Single().Reports));
        var (again, _) = state.Decide([Item(1, 9), Item(3, 2)]);
        Assert.Equal([IngestOutcome.Duplicate, IngestOutcome.DeviceAlreadyCounted], again);
    }

    [Fact]
    public void ARollUpResentAfterALostAnswerIsNotCountedTwice()
    {
        var parent = new SeriesState { OpenStart = Bucket };
        RollupDelta Delta(long sequence, int reports) => new(sequence, reports, new Dictionary<string, int> { ["login"] = reports });
        parent.Apply(parent.DecideRollup("x/US-CA", [Delta(1, 5)])!, hasParent: true, dedupeCapacity: 100);

        Assert.Null(parent.DecideRollup("x/US-CA", [Delta(1, 5)]));
        Assert.NotNull(parent.DecideRollup("x/US-CA", [Delta(2, 5)]));
        Assert.NotNull(parent.DecideRollup("x/US-NY", [Delta(1, 5)]));
        Assert.Equal(5, parent.OpenReports);
    }

    [Fact]
    public void AnOverlappingResendCountsOnlyTheDeltasNotAppliedYet()
    {
        var parent = new SeriesState { OpenStart = Bucket };
        RollupDelta Delta(long sequence, int reports, string category) => new(sequence, reports, new Dictionary<string, int> { [category] = reports });
        // The child sent 1..2 and the answer was lost; by the resend it had queued 3 and 4 too.
        parent.Apply(parent.DecideRollup("x/US-CA", [Delta(1, 5, "login"), Delta(2, 3, "feed")])!, hasParent: true, dedupeCapacity: 100);

        var resend = parent.DecideRollup("x/US-CA", [Delta(1, 5, "login"), Delta(2, 3, "feed"), Delta(3, 7, "login"), Delta(4, 1, "app")])!;
        parent.Apply(resend, hasParent: true, dedupeCapacity: 100);

        Assert.Equal((8, 4L), (resend.Reports, resend.ChildSequence));
        Assert.Equal(16, parent.OpenReports);
        Assert.Equal(12, parent.OpenCategories["login"]);
        Assert.Equal(3, parent.OpenCategories["feed"]);
        Assert.Equal(1, parent.OpenCategories["app"]);
        // One outbox entry per applied change, for the parent's own parent.
        Assert.Equal([1L, 2L], parent.PendingRollups.Select(d => d.Sequence));
    }

    [Fact]
    public void SeveralChildrenInOneCallAreNumberedInOrderAndAChildSentTwiceCountsEachDeltaOnce()
    {
        var parent = new SeriesState { OpenStart = Bucket, ChangeSequence = 7 };
        RollupDelta Delta(long sequence, int reports) => new(sequence, reports, new Dictionary<string, int> { ["login"] = reports });
        parent.Apply(parent.DecideRollup("x/US-CA", [Delta(1, 5)])!, hasParent: true, dedupeCapacity: 100);

        // CA's resend of 1 (already applied) and 2, NY's first delta, then CA again with 2 and 3 queued behind its resend.
        var changes = parent.DecideRollups(
            [new ChildRollups("x/US-CA", [Delta(1, 5), Delta(2, 4)]), new ChildRollups("x/US-NY", [Delta(1, 6)]),
             new ChildRollups("x/US-CA", [Delta(2, 4), Delta(3, 2)]), new ChildRollups("x/US-TX", [Delta(1, 0)])]);
        Assert.Equal(5, parent.OpenReports); // deciding changes nothing
        foreach (var change in changes)
        {
            parent.Apply(change, hasParent: true, dedupeCapacity: 100);
        }

        Assert.Equal([9L, 10L, 11L, 12L], changes.Select(c => c.Sequence));
        Assert.Equal([("x/US-CA", 4, 2L), ("x/US-NY", 6, 1L), ("x/US-CA", 2, 3L), ("x/US-TX", 0, 1L)], changes.Select(c => (c.Child!, c.Reports, c.ChildSequence)));
        Assert.Equal(5 + 4 + 6 + 2, parent.OpenReports);
        Assert.Equal(12, parent.ChangeSequence);
        Assert.Empty(parent.DecideRollups([new ChildRollups("x/US-CA", [Delta(3, 2)]), new ChildRollups("x/US-NY", [Delta(1, 6)])]));
    }

    [Fact]
    public void ASnapshotPlusItsJournaledChangesEqualsTheLiveState()
    {
        var serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer<SeriesState>>();
        var live = new SeriesState { OpenStart = Bucket };
        var journal = new List<SeriesChange>();
        byte[]? snapshot = null;
        var random = new Random(5);
        for (var batch = 0; batch < 40; batch++)
        {
            if (batch == 15)
            {
                snapshot = serializer.SerializeToArray(live); // a bucket-close snapshot; later batches are only journaled
                journal.Clear();
            }

            var items = Enumerable.Range(0, 50).Select(_ => Item((ulong)random.Next(1, 1_500), (ulong)random.Next(1, 800), random.Next(3) == 0 ? "feed" : "login")).ToArray();
            var (_, change) = live.Decide(items);
            journal.Add(change);
            live.Apply(change, hasParent: true, dedupeCapacity: 10_000);
        }

        var restored = serializer.Deserialize(snapshot!)!;
        foreach (var change in journal.Where(c => c.Sequence > restored.ChangeSequence))
        {
            restored.Apply(change, hasParent: true, dedupeCapacity: 10_000);
        }

        Assert.Equal(live.OpenReports, restored.OpenReports);
        Assert.Equal(live.OpenCategories, restored.OpenCategories);
        Assert.Equal(live.ChangeSequence, restored.ChangeSequence);
        Assert.Equal(live.PendingRollups.Select(d => (d.Sequence, d.Reports)), restored.PendingRollups.Select(d => (d.Sequence, d.Reports)));
        Assert.Equal(live.ReportIds.Count, restored.ReportIds.Count);
        Assert.Equal(live.Devices.Count, restored.Devices.Count);
        // The same next batch gets the same outcomes from both.
        var probe = Enumerable.Range(0, 200).Select(i => Item((ulong)(1_400 + i), (ulong)(700 + i))).ToArray();
        Assert.Equal(live.Decide(probe).Outcomes, restored.Decide(probe).Outcomes);
    }
}
