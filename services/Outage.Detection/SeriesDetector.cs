namespace Outage.Detection;

/// <summary>
/// The streaming outage detector of one series: seasonal baseline, a fast multi-window negative-binomial surge test
/// and a slow CUSUM beside it, judged against a self-calibrated threshold, and levels with hysteresis.
/// </summary>
/// <remarks>
/// <para>Feed it every bucket in time order with <see cref="Step"/>; a gap is filled with empty buckets.
/// It never reads the clock, so the same code runs live, in tests and in replay.</para>
/// <para>Its parts each keep their own state: <see cref="SeasonalBaseline"/> (what is usual), <see cref="BucketRing"/>
/// (the newest buckets), <see cref="DispersionModel"/> (how noisy the series is), <see cref="SurgeCusum"/> (slow evidence),
/// <see cref="ThresholdCalibrator"/> (how much evidence is an alarm here), <see cref="CategoryMix"/> (what is broken)
/// and <see cref="LevelMachine"/> (the verdict).</para>
/// <para>Learning is guarded so an outage cannot teach the series that outages are normal: while the series is not
/// NORMAL the baseline learns at a tenth of its rate from clipped counts, and the dispersion and the threshold
/// calibration do not learn at all; the calibration also leaves out the cluster that raised the disruption.</para>
/// <para>State is bounded (see <see cref="StateBytes"/>) and round-trips through <see cref="Save"/> and
/// <see cref="Restore"/> in a versioned binary form that names no CLR type; version 1 still restores.</para>
/// </remarks>
public sealed class SeriesDetector
{
    private const byte FormatVersion = 2;
    private const double IncidentLearningWeight = 0.1;
    private const double OutlierClipSigmas = 4;

    private readonly DetectorSettings _settings;
    private readonly int[] _windows;
    private readonly int _explanationBuckets;
    private readonly int _sustainedBuckets;
    private readonly double _alarmsPerMinute;

    private readonly SeasonalBaseline _baseline;
    private readonly ThresholdCalibrator _calibrator = new();
    private readonly BucketRing _ring;
    private readonly DispersionModel _dispersion;
    private readonly SurgeCusum _cusum = new();
    private readonly CategoryMix _categories;
    private readonly LevelMachine _levels;
    private DateTimeOffset? _lastStart;
    private (DateTimeOffset BucketStart, double Excess)? _parentReading; // the parent's excess, for the bucket being filled

    /// <summary>Creates a detector for a series with no history.</summary>
    public SeriesDetector(DetectorSettings settings)
    {
        _settings = settings.Validate();
        _windows = settings.ScanWindows.Select(settings.Buckets).Distinct().Order().ToArray();
        _explanationBuckets = settings.Buckets(settings.ExplanationWindow);
        _sustainedBuckets = settings.Buckets(settings.SustainedSurgeDuration);
        _alarmsPerMinute = settings.FalseAlarmsPer30Days / (30 * 1440);
        _baseline = new SeasonalBaseline(settings);
        _ring = new BucketRing(settings.RingLength);
        _dispersion = new DispersionModel(_windows.Length, settings.BucketMinutes, settings.SeasonalMemoryDays);
        _categories = new CategoryMix(_explanationBuckets);
        _levels = new LevelMachine(settings);
    }

    /// <summary>The settings this detector runs with.</summary>
    public DetectorSettings Settings => _settings;

    /// <summary>The current level.</summary>
    public DisruptionLevel Level => _levels.Level;

    /// <summary>Start of the last bucket stepped, or null before the first.</summary>
    public DateTimeOffset? LastBucketStart => _lastStart;

    /// <summary>The seasonal baseline (read it for expected counts of buckets not yet seen).</summary>
    public SeasonalBaseline Baseline => _baseline;

    /// <summary>Approximate heap bytes held by this detector's state (arrays, fields and categories).</summary>
    public int StateBytes =>
        _ring.Bytes + _dispersion.Bytes + 24 + 4 * _windows.Length + _categories.Bytes
        + 400 /* baseline */ + 72 /* calibrator */ + SurgeCusum.Bytes + LevelMachine.Bytes + 120 /* fields and object headers */;

    /// <summary>
    /// True while the series has less history than <see cref="DetectorSettings.ColdStartDuration"/>; history counts only
    /// from the time the series had seen <see cref="DetectorSettings.ColdStartReports"/> (see <see cref="SeasonalBaseline"/>).
    /// </summary>
    public bool IsYoung => _baseline.HistoryMinutes < _settings.ColdStartDuration.TotalMinutes;

    /// <summary>
    /// Tells a young series what the series rolled up into it expect together, per minute: its baseline starts from that
    /// level rather than from nothing (ignored once the series has its own history).
    /// </summary>
    public void AdoptChildrenExpectation(double ratePerMinute)
    {
        if (IsYoung)
        {
            _baseline.AdoptYoungLevel(ratePerMinute);
        }
    }

    /// <summary>
    /// Tells a young series how far above its usual level its parent is in the bucket starting at <paramref name="bucketStart"/>
    /// (the parent counts this series' reports too). A young series leaves NORMAL on sheer volume, but if its parent, which
    /// knows its own level, holds no surge half as large as this series' count, that volume is traffic the parent already
    /// had: a region now reported apart (a country's subdivisions), not an outage. Then the series stays NORMAL on volume
    /// for that bucket. Ignored once the series has its own history; not saved (a reading is for the bucket being filled).
    /// </summary>
    /// <param name="bucketStart">Start of the parent's bucket the reading is of.</param>
    /// <param name="parentExcess">The parent's reports in that bucket so far minus what it usually has by then.</param>
    public void ParentSees(DateTimeOffset bucketStart, double parentExcess) => _parentReading = (bucketStart, parentExcess);

    /// <summary>Assesses the next bucket and learns from it.</summary>
    /// <param name="bucket">The bucket; its start must be later than the previous bucket's.</param>
    /// <param name="parent">The parent series' expectation and count for this bucket, for sparse series.</param>
    /// <exception cref="ArgumentException">The bucket is not after the previous one, or has a negative count.</exception>
    public SeriesAssessment Step(BucketObservation bucket, ParentContext? parent = null)
    {
        if (bucket.Count < 0 || bucket.DistinctReporters < 0)
        {
            throw new ArgumentException("Counts must not be negative.", nameof(bucket));
        }

        var levelBefore = _levels.Level;
        if (_lastStart is { } last)
        {
            if (bucket.Start <= last)
            {
                throw new ArgumentException($"Bucket {bucket.Start:O} is not after the previous bucket {last:O}.", nameof(bucket));
            }

            FillGap(last, bucket.Start);
        }

        // The empty buckets filled in for a gap (a series that fell behind, or came back after its silo died) may have
        // ended an incident: the assessment is against the level of the last bucket assessed, so no caller misses it.
        var assessment = Advance(bucket, parent);
        return assessment.PreviousLevel == levelBefore ? assessment : assessment with { PreviousLevel = levelBefore };
    }

    /// <summary>Assesses a bucket still being filled without changing any state (a surge is seen before the bucket ends).</summary>
    /// <param name="partial">The open bucket with the counts so far; its start must be later than the last stepped bucket's.</param>
    /// <param name="parent">The parent series' context, as for <see cref="Step"/>.</param>
    public SeriesAssessment Preview(BucketObservation partial, ParentContext? parent = null)
    {
        var copy = Restore(_settings, Save());
        copy._parentReading = _parentReading;
        return copy.Step(partial, parent);
    }

    private void FillGap(DateTimeOffset last, DateTimeOffset next)
    {
        var missing = (int)Math.Min(((next - last) / _settings.BucketWidth) - 1, 14 * 1440 / _settings.BucketMinutes);
        var start = next - missing * _settings.BucketWidth;
        for (var i = 0; i < missing; i++)
        {
            Advance(new BucketObservation(start + i * _settings.BucketWidth, 0, 0), null);
        }
    }

    private SeriesAssessment Advance(BucketObservation bucket, ParentContext? parent)
    {
        var minutes = _settings.BucketMinutes;
        var expected = _baseline.Expected(bucket.Start, minutes, parent);
        var history = _baseline.HistoryMinutes;
        var young = IsYoung;
        var bucketDispersion = _dispersion.Dispersion(0, history);
        _ring.Push(bucket.Count, expected, bucket.DistinctReporters);
        _categories.Add(bucket.Categories);
        // The surge tests count each device once: a few devices reporting over and over are a few reports.
        if (young)
        {
            // A young series' expectation is a guess: evidence accumulated against it would outlive the guess.
            _cusum.Reset();
        }
        else
        {
            _cusum.Add(Math.Min(bucket.Count, bucket.DistinctReporters), expected, bucket.DistinctReporters, bucketDispersion, _settings.CusumShift);
        }

        var threshold = _calibrator.Threshold(_alarmsPerMinute, _settings.MaxThreshold);
        // A young series whose parent sees no surge to match its volume: that volume is the parent's usual traffic.
        var parentHasNoSuchSurge = young && _parentReading is { } reading && reading.BucketStart == bucket.Start
            && reading.Excess < 0.5 * bucket.Count;
        var scan = Scan(bucket.Start, threshold, history, volumeMayCount: !parentHasNoSuchSurge, young);
        var previous = _levels.Level;
        switch (_levels.Update(bucket.Start, scan))
        {
            case IncidentEnd.NewNormal:
                _baseline.Rebase(scan.WindowObserved / (_explanationBuckets * minutes));
                EndIncident();
                break;
            case IncidentEnd.Recovered:
                EndIncident();
                break;
        }

        var clipped = Math.Min(bucket.Count, expected + OutlierClipSigmas * NegativeBinomial.StandardDeviation(expected, bucketDispersion) + 1);
        if (_levels.Level == DisruptionLevel.Normal && previous == DisruptionLevel.Normal)
        {
            // Only evidence that could have raised an alarm is the tail an alarm rate is calibrated on: on a sparse
            // series, bursts of three reports give strong evidence that the volume rules never let through.
            _calibrator.Observe(scan.EligibleEvidence, minutes, threshold);
            LearnDispersion(young);
            // A young series learns its level from what it sees, unclipped: clipped against the prior, a busy new
            // series' baseline would rise a few reports a minute at a time, and the series would be taken for an
            // outage the minute it came of age. (While young only sheer volume can raise its level: see Scan.)
            _baseline.Learn(bucket.Start, minutes, young ? bucket.Count : clipped, parent, 1);
        }
        else
        {
            // The cluster that raised the disruption counts as one censored cluster (it reached the threshold); its peak and
            // the rest of the incident stay out of the tail model (SPOT's rule).
            if (previous == DisruptionLevel.Normal)
            {
                _calibrator.CloseAlarm(threshold);
            }

            _baseline.Learn(bucket.Start, minutes, clipped, parent, IncidentLearningWeight);
        }

        _lastStart = bucket.Start;
        var level = _levels.Level;
        var explanation = new Explanation(
            _explanationBuckets * _settings.BucketWidth,
            scan.WindowObserved,
            scan.WindowExpected,
            scan.WindowObserved / scan.WindowExpected,
            scan.MaxEvidence,
            threshold,
            (int)Math.Round(scan.WindowReporters),
            level == DisruptionLevel.Normal ? null : _levels.Since,
            _categories.Top(3),
            level != DisruptionLevel.Normal && _levels.Recovering);
        return new SeriesAssessment(bucket.Start + _settings.BucketWidth, level, previous, explanation, expected);
    }

    /// <summary>A new incident must be evidenced by buckets after the recovery began, and by a CUSUM run of its own.</summary>
    private void EndIncident()
    {
        _ring.LimitUsable(_levels.BucketsToKeep);
        _cusum.Reset();
    }

    /// <summary>Sums the newest buckets over every scan window, tests each window and the CUSUM for a surge.</summary>
    private SurgeScan Scan(DateTimeOffset bucketStart, double threshold, double history, bool volumeMayCount, bool young)
    {
        double observed = 0, expected = 0, reporters = 0;
        double windowObserved = 0, windowExpected = 0, windowReporters = 0;
        double maxEvidence = 0, eligibleEvidence = 0, bestRatio = 0, bestEvidence = 0;
        var onsetBuckets = 0;
        var next = 0;
        var reach = Math.Max(_windows[^1], _explanationBuckets);
        // A series with almost no history cannot tell its own level from an outage: only sheer volume counts.
        var coldStartMinimum = _settings.ColdStartMinReportsPerMinute * _settings.BucketMinutes;
        for (var k = 1; k <= reach; k++)
        {
            var bucket = _ring[k];
            expected += bucket.Expected;
            if (k <= _ring.Usable)
            {
                observed += Math.Min(bucket.Observed, bucket.Reporters);
                reporters += bucket.Reporters;
            }
            else
            {
                // Before the last recovery (or before the first bucket): count it as exactly usual.
                observed += bucket.Expected;
            }

            if (k == _explanationBuckets)
            {
                (windowObserved, windowExpected, windowReporters) = (observed, expected, reporters);
            }

            if (next < _windows.Length && k == _windows[next])
            {
                var evidence = NegativeBinomial.TailEvidence(observed, expected, _dispersion.Dispersion(next, history));
                maxEvidence = Math.Max(maxEvidence, evidence);
                // A young series leaves NORMAL on sheer volume only: that many reports a minute, and an outage's ratio
                // over whatever level it knows (its own first minutes, or its children's expectations).
                var eligible = Significant(observed, expected, reporters)
                    && (!young || (volumeMayCount && observed >= coldStartMinimum * k && observed >= _settings.OutageRatio * expected));
                if (eligible)
                {
                    eligibleEvidence = Math.Max(eligibleEvidence, evidence);
                }

                // While young the evidence means little (its expectation is a guess): the volume rule alone decides.
                if (eligible && (young || evidence >= threshold))
                {
                    bestRatio = Math.Max(bestRatio, observed / expected);
                    if (evidence > bestEvidence)
                    {
                        bestEvidence = evidence;
                        onsetBuckets = k;
                    }
                }

                next++;
            }
        }

        // The slow test: never while young (a young series is judged on sheer volume alone).
        var cusum = _cusum.Statistic;
        maxEvidence = Math.Max(maxEvidence, cusum);
        var cusumEligible = !young && Significant(_cusum.RunObserved, _cusum.RunExpected, _cusum.RunReporters);
        if (cusumEligible)
        {
            eligibleEvidence = Math.Max(eligibleEvidence, cusum);
        }

        if (cusumEligible && cusum >= threshold)
        {
            bestRatio = Math.Max(bestRatio, _cusum.RunObserved / _cusum.RunExpected);
            if (cusum > bestEvidence)
            {
                onsetBuckets = _cusum.RunBuckets;
            }
        }

        // The floor on sensitivity: a rise held in every quarter of the sustained window is an alarm, whatever the threshold.
        if (!young && SustainedSurge() is { } sustained && sustained.Ratio > bestRatio)
        {
            bestRatio = sustained.Ratio;
            onsetBuckets = Math.Max(onsetBuckets, _sustainedBuckets);
        }

        var triggered = bestRatio > 0;
        DateTimeOffset? onset = triggered ? bucketStart - (onsetBuckets - 1) * _settings.BucketWidth : null;
        return new SurgeScan(maxEvidence, eligibleEvidence, triggered, _levels.ForRatio(bestRatio), onset, windowObserved, windowExpected, windowReporters);
    }

    /// <summary>
    /// The sustained-surge rule: every quarter of the newest <see cref="DetectorSettings.SustainedSurgeDuration"/> at
    /// <see cref="DetectorSettings.SustainedSurgeRatio"/> times usual or more, the whole meeting the volume rules.
    /// Returns the ratio over the whole window, or null.
    /// </summary>
    private (double Ratio, int Buckets)? SustainedSurge()
    {
        if (_sustainedBuckets > _ring.Usable)
        {
            return null;
        }

        double observed = 0, expected = 0, reporters = 0, quarterObserved = 0, quarterExpected = 0;
        var quarter = 0;
        for (var k = 1; k <= _sustainedBuckets; k++)
        {
            var bucket = _ring[k];
            quarterObserved += Math.Min(bucket.Observed, bucket.Reporters);
            quarterExpected += bucket.Expected;
            reporters += bucket.Reporters;
            if (k * 4 >= (quarter + 1) * _sustainedBuckets)
            {
                if (quarterObserved < _settings.SustainedSurgeRatio * quarterExpected)
                {
                    return null;
                }

                observed += quarterObserved;
                expected += quarterExpected;
                (quarterObserved, quarterExpected) = (0, 0);
                quarter++;
            }
        }

        return Significant(observed, expected, reporters) ? (observed / expected, _sustainedBuckets) : null;
    }

    /// <summary>The volume rules: that many more devices than usual, and that many more reports.</summary>
    private bool Significant(double observed, double expected, double reporters) =>
        reporters - expected >= _settings.MinDistinctReporters && observed - expected >= _settings.MinExcessReports;

    private void LearnDispersion(bool young)
    {
        double observed = 0, expected = 0;
        var next = 0;
        for (var k = 1; k <= _windows[^1] && k <= _ring.Usable; k++)
        {
            var bucket = _ring[k];
            observed += bucket.Observed;
            expected += bucket.Expected;
            if (k == _windows[next])
            {
                _dispersion.Learn(next, observed, expected, young);
                next++;
            }
        }
    }

    /// <summary>Serialises the detector's learned state (not its settings) in a compact, versioned binary form.</summary>
    public byte[] Save()
    {
        using var stream = new MemoryStream(1536);
        using (var writer = new BinaryWriter(stream))
        {
            writer.Write(FormatVersion);
            writer.Write(_ring.Length);
            writer.Write(_windows.Length);
            writer.Write(_lastStart?.UtcTicks ?? 0L);
            _baseline.Write(writer);
            _calibrator.Write(writer);
            _ring.Write(writer);
            _dispersion.Write(writer);
            _cusum.Write(writer);
            _levels.Write(writer);
            _categories.Write(writer);
        }

        return stream.ToArray();
    }

    /// <summary>Restores a detector saved by <see cref="Save"/> (this version or version 1) under the same settings.</summary>
    /// <exception cref="InvalidDataException">The state is of another format or was saved under different window settings.</exception>
    public static SeriesDetector Restore(DetectorSettings settings, ReadOnlySpan<byte> state)
    {
        var detector = new SeriesDetector(settings);
        using var stream = new MemoryStream(state.ToArray());
        using var reader = new BinaryReader(stream);
        var version = reader.ReadByte();
        if (version is not (1 or FormatVersion))
        {
            throw new InvalidDataException("Unknown detector state format.");
        }

        if (reader.ReadInt32() != detector._ring.Length || reader.ReadInt32() != detector._windows.Length)
        {
            // Window settings changed: the learned baseline is still worth keeping, the windows are not.
            throw new InvalidDataException("Detector state was saved under different window settings.");
        }

        if (version == 1)
        {
            detector.ReadVersionOne(reader);
            return detector;
        }

        var last = reader.ReadInt64();
        detector._lastStart = last == 0 ? null : new DateTimeOffset(last, TimeSpan.Zero);
        detector._baseline.Read(reader);
        detector._calibrator.Read(reader);
        detector._ring.Read(reader);
        detector._dispersion.Read(reader);
        detector._cusum.Read(reader);
        detector._levels.Read(reader);
        detector._categories.Read(reader);
        return detector;
    }

    /// <summary>
    /// Version 1 wrote every part inline in one order. Its threshold calibration learned from its own alarms, so it is
    /// dropped for the prior; its dispersion sums are kept (the new estimator winsorises from here on); the CUSUM starts at zero.
    /// </summary>
    private void ReadVersionOne(BinaryReader reader)
    {
        _baseline.Read(reader);
        ThresholdCalibrator.SkipVersionOne(reader);
        _ring.ReadBuckets(reader);
        _dispersion.Read(reader);
        var head = reader.ReadInt32();
        var usable = reader.ReadInt32();
        _ring.SetPosition(head, usable);
        var last = reader.ReadInt64();
        _lastStart = last == 0 ? null : new DateTimeOffset(last, TimeSpan.Zero);
        _levels.Read(reader);
        _categories.Read(reader);
    }
}
