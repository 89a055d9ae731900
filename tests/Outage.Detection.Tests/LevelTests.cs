namespace Outage.Detection.Tests;

public class LevelTests
{
    private static readonly DetectorSettings Settings = new();
    private static readonly DateTimeOffset Onset = TestSeries.Start.AddDays(14).AddHours(15);

    private static (SeriesDetector Detector, List<SeriesAssessment> Day) OutageDay(double multiplier, TimeSpan duration, double perMinute = 10)
    {
        var detector = new SeriesDetector(Settings);
        TestSeries.Run(detector, TestSeries.Start, 14 * 1440, perMinute);
        var day = TestSeries.Run(detector, TestSeries.Start.AddDays(14), 1440, perMinute,
            t => t >= Onset && t < Onset + duration ? multiplier : 1, seed: 7);
        return (detector, day);
    }

    [Fact]
    public void AFiftyFoldOutageIsAnOutageWithinTwoMinutes()
    {
        var (_, day) = OutageDay(50, TimeSpan.FromHours(2));

        var first = day.First(a => a.Level == DisruptionLevel.Outage);
        Assert.InRange(first.At - Onset, TimeSpan.Zero, TimeSpan.FromMinutes(2));
        Assert.Equal(DisruptionLevel.Normal, day.Last(a => a.At < Onset).Level);
    }

    [Fact]
    public void RecoveryComesOnlyAfterCountsStayNearTheBaseline()
    {
        var (_, day) = OutageDay(20, TimeSpan.FromHours(1));
        var end = Onset.AddHours(1);

        var closed = day.First(a => a.IncidentClosed);
        Assert.InRange(closed.At - end, Settings.RecoveryDuration, Settings.RecoveryDuration + Settings.ExplanationWindow + TimeSpan.FromMinutes(5));
        var beforeClose = day.Where(a => a.At > closed.At - Settings.RecoveryDuration && a.At < closed.At).ToList();
        Assert.All(beforeClose, a => Assert.True(a.Explanation.Recovering));
        Assert.DoesNotContain(day, a => a.IncidentOpened && a.At > closed.At);
    }

    [Fact]
    public void AnIncidentThatEndsInAGapIsReportedClosedByTheBucketAfterIt()
    {
        // An OUTAGE, then the series is not stepped for three hours (it fell behind under load, or its silo died and it
        // came back later): the detector fills the gap with empty buckets, in which the incident ends.
        var detector = new SeriesDetector(Settings);
        TestSeries.Run(detector, TestSeries.Start, 14 * 1440, 10);
        var during = TestSeries.Run(detector, Onset, 30, 10, _ => 50, seed: 7);
        Assert.Equal(DisruptionLevel.Outage, during[^1].Level);
        var tracker = new Incidents.IncidentTracker(new SeriesKey("x", "US"), "x");
        during.ForEach(a => tracker.Observe(a));
        Assert.NotNull(tracker.Current);

        var afterGap = detector.Step(new BucketObservation(Onset.AddHours(3), 10, 10));
        tracker.Observe(afterGap);

        // The change is reported against the level before the gap, so the incident it ended is closed, not left open.
        Assert.Equal(DisruptionLevel.Normal, afterGap.Level);
        Assert.Equal(DisruptionLevel.Outage, afterGap.PreviousLevel);
        Assert.True(afterGap.IncidentClosed);
        Assert.Null(tracker.Current);
    }

    [Fact]
    public void LevelsStepDownWithHysteresis()
    {
        var (_, day) = OutageDay(20, TimeSpan.FromHours(1));

        var changes = day.Where(a => a.LevelChanged).Select(a => (a.PreviousLevel, a.Level)).ToList();
        Assert.Equal(DisruptionLevel.Normal, changes[0].PreviousLevel);
        Assert.Equal(DisruptionLevel.Normal, changes[^1].Level);
        Assert.Equal(changes.Count(c => c.PreviousLevel == DisruptionLevel.Normal), changes.Count(c => c.Level == DisruptionLevel.Normal));
        // The level never drops by more than one step at once, and NORMAL comes only from ELEVATED.
        Assert.All(changes.Where(c => c.Level < c.PreviousLevel), c => Assert.Equal(c.PreviousLevel - 1, c.Level));
        Assert.Contains(changes, c => c is (DisruptionLevel.Outage, DisruptionLevel.Disrupted));
    }

    [Fact]
    public void AHandfulOfDevicesCannotDeclareAnOutage()
    {
        var detector = new SeriesDetector(Settings);
        TestSeries.Run(detector, TestSeries.Start, 3 * 1440, perMinute: 1);
        var t = TestSeries.Start.AddDays(3);

        // The same five devices: the service reports their distinct count once per dedupe window.
        var assessments = Enumerable.Range(0, 10).Select(i => detector.Step(new BucketObservation(t.AddMinutes(i), 200, i == 0 ? 5 : 0))).ToList();

        Assert.All(assessments, a => Assert.Equal(DisruptionLevel.Normal, a.Level));
    }

    [Fact]
    public void ExplanationCarriesTheFiguresAndTopCategories()
    {
        var detector = new SeriesDetector(Settings);
        TestSeries.Run(detector, TestSeries.Start, 7 * 1440, perMinute: 5);
        var t = TestSeries.Start.AddDays(7);
        var categories = new Dictionary<string, int> { ["login"] = 76, ["feed"] = 14, ["posting"] = 10 };

        var a = detector.Step(new BucketObservation(t, 100, 100, categories));
        a = detector.Step(new BucketObservation(t.AddMinutes(1), 100, 100, categories));

        Assert.Equal(DisruptionLevel.Outage, a.Level);
        var e = a.Explanation;
        Assert.True(e.Observed >= 200 && e.Expected > 0 && e.Ratio > 3 && e.Evidence > e.Threshold, e.ToString());
        Assert.Equal(TimeSpan.FromMinutes(15), e.Window);
        Assert.NotNull(e.Since);
        Assert.Equal("login", e.TopCategories[0].Category);
        Assert.InRange(e.TopCategories[0].Share, 0.6, 0.8);
    }

    [Fact]
    public void AnOutageOnABrandNewSeriesIsDetectedAtOnce()
    {
        var detector = new SeriesDetector(Settings);

        var a = detector.Step(new BucketObservation(TestSeries.Start, 2000, 2000));

        Assert.True(a.Level >= DisruptionLevel.Disrupted);
    }

    [Fact]
    public void ALongLevelShiftBecomesTheNewNormal()
    {
        var detector = new SeriesDetector(Settings);
        TestSeries.Run(detector, TestSeries.Start, 7 * 1440, perMinute: 2);

        var after = TestSeries.Run(detector, TestSeries.Start.AddDays(7), 3 * 1440, perMinute: 2, _ => 8);

        Assert.Contains(after, a => a.IncidentOpened);
        Assert.Equal(DisruptionLevel.Normal, after[^1].Level);
    }
}
