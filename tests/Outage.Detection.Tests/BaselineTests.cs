namespace Outage.Detection.Tests;

public class BaselineTests
{
    private static readonly DetectorSettings Settings = new();

    [Fact]
    public void LearnsTheDailyRhythmWithinFifteenPercent()
    {
        var detector = new SeriesDetector(Settings);
        TestSeries.Run(detector, TestSeries.Start, 14 * 1440, perMinute: 10);

        var peak = new DateTimeOffset(2024, 1, 15, 18, 0, 0, TimeSpan.Zero);
        var trough = new DateTimeOffset(2024, 1, 15, 6, 0, 0, TimeSpan.Zero);
        var (atPeak, atTrough) = (detector.Baseline.Expected(peak, 1), detector.Baseline.Expected(trough, 1));
        Assert.True(atPeak is > 16 * 0.85 and < 16 * 1.15, $"peak {atPeak}");
        Assert.True(atTrough is > 4 * 0.85 and < 4 * 1.15, $"trough {atTrough}");
    }

    [Fact]
    public void AnOutageDoesNotTeachTheBaselineThatOutagesAreNormal()
    {
        var detector = new SeriesDetector(Settings);
        TestSeries.Run(detector, TestSeries.Start, 14 * 1440, perMinute: 10);
        var probe = new DateTimeOffset(2024, 1, 16, 17, 0, 0, TimeSpan.Zero);
        var before = detector.Baseline.Expected(probe, 1);
        var outageStart = new DateTimeOffset(2024, 1, 15, 12, 0, 0, TimeSpan.Zero);

        TestSeries.Run(detector, TestSeries.Start.AddDays(14), 1440, perMinute: 10,
            t => t >= outageStart && t < outageStart.AddHours(6) ? 100 : 1);

        Assert.InRange(detector.Baseline.Expected(probe, 1), before * 0.9, before * 1.1);
    }

    [Fact]
    public void SparseSeriesBorrowsItsParentsShapeScaledByItsShare()
    {
        var baseline = new SeasonalBaseline(Settings);
        var t = TestSeries.Start;
        // Parent: 100 reports a minute; child: 1 % of them.
        for (var i = 0; i < 3 * 1440; i++)
        {
            baseline.Learn(t.AddMinutes(i), 1, i % 100 == 0 ? 100 : 0, new ParentContext(100, 100), 1);
        }

        var expected = baseline.Expected(t.AddDays(3), 1, new ParentContext(ExpectedCount: 500, ObservedCount: 0));
        Assert.InRange(baseline.Share, 0.008, 0.012);
        Assert.True(expected > 1.0, $"expected {expected} should follow the parent's 500 (about 5 at a 1 % share)");
    }

    [Fact]
    public void ABusyNewSeriesIsNotAnOutageWhenItComesOfAge()
    {
        // 60 reports a minute from the first minute, arriving in lumps every fourth minute (as a parent's roll-ups
        // can): below the cold-start volume rule (300 a minute), so never an outage, and its baseline must have
        // caught up by the end of its cold start (30 minutes).
        var detector = new SeriesDetector(Settings);

        var assessments = TestSeries.Run(detector, TestSeries.Start.AddHours(18), 180, perMinute: 60, t => t.Minute % 4 == 0 ? 4 / 1.6 : 0);

        Assert.All(assessments, a => Assert.Equal(DisruptionLevel.Normal, a.Level));
        Assert.InRange(detector.Baseline.Expected(TestSeries.Start.AddHours(21), 1), 40, 80);
    }

    [Fact]
    public void ColdStartSeriesLearnsItsOwnLevelWithinMinutes()
    {
        var detector = new SeriesDetector(Settings);

        var assessments = TestSeries.Run(detector, TestSeries.Start, 120, perMinute: 3);

        Assert.All(assessments, a => Assert.Equal(DisruptionLevel.Normal, a.Level));
        Assert.InRange(detector.Baseline.Expected(TestSeries.Start.AddMinutes(120), 1), 1.5, 6);
    }

    /// <summary>
    /// A worldwide series is born from its countries' roll-ups, which arrive in lumps (several minutes of reports at once
    /// under a demonstration clock): 400 reports in its first bucket, where its countries expect 60 a minute together, are
    /// their ordinary volume, not an outage. Told their expectation, it is not taken for one (untold, it was); 2,000 in
    /// a minute still are.
    /// </summary>
    [Theory]
    [InlineData(true, 400, DisruptionLevel.Normal)]
    [InlineData(true, 2000, DisruptionLevel.Outage)]
    [InlineData(false, 400, DisruptionLevel.Outage)]
    public void ANewParentStartsFromItsChildrensExpectation(bool told, int lump, DisruptionLevel expected)
    {
        var detector = new SeriesDetector(Settings);
        var worst = DisruptionLevel.Normal;
        for (var minute = 0; minute < 8; minute++)
        {
            if (told)
            {
                detector.AdoptChildrenExpectation(60);
            }

            var count = minute == 0 ? lump : minute % 4 == 0 ? 240 : 0;
            var level = detector.Step(new BucketObservation(TestSeries.Start.AddHours(18).AddMinutes(minute), count, count)).Level;
            worst = level > worst ? level : worst;
        }

        Assert.Equal(expected, worst);
    }

    /// <summary>
    /// A new child of a known parent (a country's subdivision, now reported apart) at full volume from its first minute:
    /// 400 reports a minute is an OUTAGE on a series that knows nothing, unless its parent, which counted that traffic all
    /// along, sees no surge to match it. A parent that does see the surge (new traffic) lets the volume count; a reading of
    /// another bucket, or none, changes nothing.
    /// </summary>
    [Theory]
    [InlineData(null, DisruptionLevel.Outage)]    // no reading: as before, an OUTAGE at birth
    [InlineData(15.0, DisruptionLevel.Normal)]    // the parent is at its usual level: traffic it knew
    [InlineData(390.0, DisruptionLevel.Outage)]   // the parent sees the child's reports as a surge
    public void ANewChildAtFullVolumeIsJudgedByWhatItsParentSees(double? parentExcess, DisruptionLevel expected)
    {
        var detector = new SeriesDetector(Settings);
        var minute = TestSeries.Start.AddHours(18);
        if (parentExcess is { } excess)
        {
            detector.ParentSees(minute, excess);
            detector.ParentSees(minute.AddMinutes(-1), 1000); // a reading of another bucket does not apply
            detector.ParentSees(minute, excess);
        }

        var preview = detector.Preview(new BucketObservation(minute, 400, 400)).Level;
        var close = detector.Step(new BucketObservation(minute, 400, 400)).Level;

        Assert.Equal(expected, preview); // the open bucket is judged with the reading too
        Assert.Equal(expected, close);
    }

    /// <summary>
    /// Youth is measured in data, not only in time: a series created by one stray report that then sees nothing for 40
    /// minutes knows no level at all, so the ordinary traffic that starts later (60 a minute, below the cold-start volume
    /// rule) is its level, not an outage. Time-based youth ended at 30 minutes and took that traffic for an OUTAGE.
    /// </summary>
    [Fact]
    public void ASeriesWithAlmostNoReportsIsYoungHoweverOldItIs()
    {
        var detector = new SeriesDetector(Settings);
        var start = TestSeries.Start.AddHours(18);
        detector.Step(new BucketObservation(start, 1, 1));
        detector.Step(new BucketObservation(start.AddMinutes(40), 0, 0));
        Assert.True(detector.IsYoung);

        var assessments = TestSeries.Run(detector, start.AddMinutes(41), 120, perMinute: 60);

        Assert.All(assessments, a => Assert.Equal(DisruptionLevel.Normal, a.Level));
        Assert.False(detector.IsYoung);
    }

    /// <summary>The counterpart: a quiet series with a day of real history (one report every five minutes) is not young,
    /// and a crowd of 40 devices reporting in one minute is a disruption of it.</summary>
    [Fact]
    public void AQuietSeriesWithHistoryIsNotYoungAndItsSurgesCount()
    {
        var detector = new SeriesDetector(Settings);
        TestSeries.Run(detector, TestSeries.Start, 1440, perMinute: 0.2);
        Assert.False(detector.IsYoung);

        var surge = detector.Step(new BucketObservation(TestSeries.Start.AddMinutes(1440), 40, 40));

        Assert.NotEqual(DisruptionLevel.Normal, surge.Level);
    }
}
