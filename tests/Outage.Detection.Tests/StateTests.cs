using FsCheck;
using FsCheck.Fluent;

namespace Outage.Detection.Tests;

public class StateTests
{
    private static readonly DetectorSettings Settings = new();

    [Fact]
    public void SaveAndRestoreContinueIdentically()
    {
        var original = new SeriesDetector(Settings);
        TestSeries.Run(original, TestSeries.Start, 3 * 1440, perMinute: 4);
        var restored = SeriesDetector.Restore(Settings, original.Save());

        var next = TestSeries.Start.AddDays(3);
        var a = TestSeries.Run(original, next, 600, perMinute: 4, t => t > next.AddHours(2) && t < next.AddHours(4) ? 30 : 1, seed: 9);
        var b = TestSeries.Run(restored, next, 600, perMinute: 4, t => t > next.AddHours(2) && t < next.AddHours(4) ? 30 : 1, seed: 9);

        Assert.Equal(a.Select(x => (x.Level, x.ExpectedInBucket, x.Explanation.Evidence)), b.Select(x => (x.Level, x.ExpectedInBucket, x.Explanation.Evidence)));
        Assert.Contains(a, x => x.Level == DisruptionLevel.Outage);
    }

    [Fact]
    public void MemoryStaysBoundedOverAYearOfBuckets()
    {
        var detector = new SeriesDetector(Settings);
        var random = new Random(3);
        var t = TestSeries.Start;
        var sizes = new List<int>();
        for (var i = 0; i < 365 * 1440; i++)
        {
            var count = random.Next(0, 12);
            var categories = new Dictionary<string, int> { [$"category-{random.Next(40)}"] = count };
            detector.Step(new BucketObservation(t.AddMinutes(i), count, count, categories));
            if (i % (30 * 1440) == 0)
            {
                sizes.Add(detector.Save().Length);
            }
        }

        Assert.True(detector.StateBytes <= 2048, $"{detector.StateBytes} bytes in memory");
        Assert.True(detector.Save().Length <= 2048, $"{detector.Save().Length} bytes serialised");
        Assert.True(sizes.Max() <= 2048);
    }

    [Fact]
    public void RestoreRejectsStateOfOtherWindows()
    {
        var state = new SeriesDetector(Settings).Save();

        Assert.Throws<InvalidDataException>(() => SeriesDetector.Restore(Settings with { ScanWindows = [TimeSpan.FromMinutes(1)] }, state));
    }

    [Fact]
    public void BucketsMustMoveForwardAndCountsMustNotBeNegative()
    {
        var detector = new SeriesDetector(Settings);
        detector.Step(new BucketObservation(TestSeries.Start, 1, 1));

        Assert.Throws<ArgumentException>(() => detector.Step(new BucketObservation(TestSeries.Start, 1, 1)));
        Assert.Throws<ArgumentException>(() => detector.Step(new BucketObservation(TestSeries.Start.AddMinutes(1), -1, 0)));
    }

    [Fact]
    public void PreviewChangesNothing()
    {
        var detector = new SeriesDetector(Settings);
        TestSeries.Run(detector, TestSeries.Start, 1440, perMinute: 4);
        var before = detector.Save();

        var preview = detector.Preview(new BucketObservation(TestSeries.Start.AddDays(1), 500, 500));

        Assert.True(preview.Level >= DisruptionLevel.Disrupted);
        Assert.Equal(before, detector.Save());
    }

    /// <summary>
    /// Property: whatever the counts, a series never returns to NORMAL without having been near its
    /// baseline (recovering) for the whole recovery period, and never goes from NORMAL straight to recovered.
    /// </summary>
    [Fact]
    public void NeverReturnsToNormalWithoutASustainedRecovery()
    {
        var settings = Settings with { MinDistinctReporters = 1, MinExcessReports = 1 };
        var recoveryBuckets = settings.Buckets(settings.RecoveryDuration);
        var counts = Gen.Frequency(
                (6, Gen.Choose(0, 4)),
                (1, Gen.Choose(20, 400)))
            .ArrayOf().Where(a => a.Length > 200);
        Prop.ForAll(counts.ToArbitrary(), values =>
        {
            var detector = new SeriesDetector(settings);
            var history = new List<SeriesAssessment>();
            for (var i = 0; i < values.Length; i++)
            {
                history.Add(detector.Step(new BucketObservation(TestSeries.Start.AddMinutes(i), values[i], values[i])));
            }

            for (var i = 0; i < history.Count; i++)
            {
                if (history[i].IncidentClosed)
                {
                    if (i < recoveryBuckets - 1)
                    {
                        return false;
                    }

                    var stretch = history.GetRange(i - recoveryBuckets + 1, recoveryBuckets - 1);
                    if (stretch.Any(a => a.Level == DisruptionLevel.Normal || !a.Explanation.Recovering))
                    {
                        return false;
                    }
                }
            }

            return true;
        }).QuickCheckThrowOnFailure();
    }
}
