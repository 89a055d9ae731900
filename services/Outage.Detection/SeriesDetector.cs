namespace Outage.Detection;

/// <summary>
/// The streaming outage detector of one series: seasonal baseline, multi-window negative-binomial surge
/// test with a self-calibrated threshold, and levels with hysteresis.
/// </summary>
/// <remarks>
/// <para>Feed it every bucket in time order with <see cref="Step"/>; a gap is filled with empty buckets.
/// It never reads the clock, so the same code runs live, in tests and in replay.</para>
/// <para>Learning is guarded so an outage cannot teach the baseline that outages are normal: while the
/// series is not NORMAL the baseline learns at a tenth of its rate from clipped counts, and the
/// dispersion and threshold calibration do not learn at all.</para>
/// <para>State is bounded (see <see cref="StateBytes"/>) and round-trips through <see cref="Save"/> and
/// <see cref="Restore"/> in a versioned binary form that names no CLR type.</para>
/// </remarks>
public sealed class SeriesDetector
{
    private const byte FormatVersion = 1;
    private const int MaxCategories = 8;
    // A young series does not know its own rate: its counts are judged with this much extra
    // dispersion, fading as history accrues (the gamma-Poisson predictive of a vague prior), so a busy
    // new series is not an outage merely for being busy, while thousands of reports at once still are.
    private const double ColdStartDispersion = 20;
    private const double IncidentLearningWeight = 0.1;
    private const double PriorDispersion = 0.05;
    private const double DispersionPriorBuckets = 50;
    private const double MaxDispersion = 5;
    private const double OutlierClipSigmas = 4;

    private readonly DetectorSettings _settings;
    private readonly int[] _windows;
    private readonly int _explanationBuckets;
    private readonly int _recoveryBuckets;
    private readonly int _downgradeBuckets;
    private readonly double _alarmsPerMinute;

    private readonly SeasonalBaseline _baseline;
    private readonly ThresholdCalibrator _calibrator = new();
    private readonly float[] _observed;
    private readonly float[] _expected;
    private readonly float[] _reporters;
    private readonly double[] _dispersionNumerator;
    private readonly double[] _dispersionDenominator;
    private readonly double[] _dispersionWeight;
    private readonly Dictionary<string, double> _categories = new(StringComparer.Ordinal);

    private int _head = -1;             // ring index of the newest bucket
    private int _usableBuckets;         // buckets the scan may look back over (not before the last recovery)
    private DateTimeOffset? _lastStart;

    private DisruptionLevel _level;
    private DateTimeOffset? _since;
    private int _lowerBuckets;          // consecutive buckets indicating a lower level
    private int _nearBaselineBuckets;   // consecutive buckets near the baseline
    private double _peakWindowCount;    // highest explanation-window count of the current incident
    private bool _recovering;           // counts are falling back (with hysteresis)

    /// <summary>Creates a detector for a series with no history.</summary>
    public SeriesDetector(DetectorSettings settings)
    {
        _settings = settings.Validate();
        _windows = settings.ScanWindows.Select(settings.Buckets).Distinct().Order().ToArray();
        _explanationBuckets = settings.Buckets(settings.ExplanationWindow);
        _recoveryBuckets = settings.Buckets(settings.RecoveryDuration);
        _downgradeBuckets = settings.Buckets(settings.DowngradeHold);
        _alarmsPerMinute = settings.FalseAlarmsPer30Days / (30 * 1440);
        _baseline = new SeasonalBaseline(settings);
        var ring = settings.RingLength;
        _observed = new float[ring];
        _expected = new float[ring];
        _reporters = new float[ring];
        _dispersionNumerator = new double[_windows.Length];
        _dispersionDenominator = new double[_windows.Length];
        _dispersionWeight = new double[_windows.Length];
    }

    /// <summary>The settings this detector runs with.</summary>
    public DetectorSettings Settings => _settings;

    /// <summary>The current level.</summary>
    public DisruptionLevel Level => _level;

    /// <summary>Start of the last bucket stepped, or null before the first.</summary>
    public DateTimeOffset? LastBucketStart => _lastStart;

    /// <summary>The seasonal baseline (read it for expected counts of buckets not yet seen).</summary>
    public SeasonalBaseline Baseline => _baseline;

    /// <summary>Approximate heap bytes held by this detector's state (arrays, fields and categories).</summary>
    public int StateBytes =>
        3 * (24 + 4 * _observed.Length) + 3 * (24 + 8 * _windows.Length) + 24 + 4 * _windows.Length
        + 400 /* baseline */ + 64 /* calibrator */ + 160 /* fields and object headers */
        + 80 + 28 * _categories.Count; // category names are the catalog's shared strings

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

        if (_lastStart is { } last)
        {
            if (bucket.Start <= last)
            {
                throw new ArgumentException($"Bucket {bucket.Start:O} is not after the previous bucket {last:O}.", nameof(bucket));
            }

            FillGap(last, bucket.Start);
        }

        return Advance(bucket, parent);
    }

    /// <summary>Assesses a bucket still being filled without changing any state (a surge is seen before the bucket ends).</summary>
    /// <param name="partial">The open bucket with the counts so far; its start must be later than the last stepped bucket's.</param>
    /// <param name="parent">The parent series' context, as for <see cref="Step"/>.</param>
    public SeriesAssessment Preview(BucketObservation partial, ParentContext? parent = null)
    {
        var copy = Restore(_settings, Save());
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
        Push(bucket, expected);
        AddCategories(bucket.Categories);

        var threshold = _calibrator.Threshold(_alarmsPerMinute);
        var scan = Scan(bucket.Start, threshold);
        var previous = _level;
        UpdateLevel(bucket, scan);

        _calibrator.Observe(scan.MaxEvidence, minutes, threshold);
        var clipped = Math.Min(bucket.Count, expected + OutlierClipSigmas * NegativeBinomial.StandardDeviation(expected, Dispersion(0)) + 1);
        if (_level == DisruptionLevel.Normal && previous == DisruptionLevel.Normal)
        {
            LearnDispersion();
            // A young series learns its level from what it sees, unclipped: clipped against the prior, a busy new
            // series' baseline would rise a few reports a minute at a time, and the series would be taken for an
            // outage the minute it came of age. (While young only sheer volume can raise its level: see Scan.)
            var young = _baseline.HistoryMinutes < _settings.ColdStartDuration.TotalMinutes;
            _baseline.Learn(bucket.Start, minutes, young ? bucket.Count : clipped, parent, 1);
        }
        else
        {
            _baseline.Learn(bucket.Start, minutes, clipped, parent, IncidentLearningWeight);
        }

        _lastStart = bucket.Start;
        var explanation = new Explanation(
            _explanationBuckets * _settings.BucketWidth,
            scan.WindowObserved,
            scan.WindowExpected,
            scan.WindowObserved / scan.WindowExpected,
            scan.MaxEvidence,
            threshold,
            (int)Math.Round(scan.WindowReporters),
            _level == DisruptionLevel.Normal ? null : _since,
            TopCategories(3),
            _level != DisruptionLevel.Normal && _recovering);
        return new SeriesAssessment(bucket.Start + _settings.BucketWidth, _level, previous, explanation, expected);
    }

    private void Push(BucketObservation bucket, double expected)
    {
        _head = (_head + 1) % _observed.Length;
        _observed[_head] = bucket.Count;
        _expected[_head] = (float)expected;
        _reporters[_head] = bucket.DistinctReporters;
        _usableBuckets = Math.Min(_usableBuckets + 1, _observed.Length);
    }

    private readonly record struct ScanResult(
        double MaxEvidence,
        bool Triggered,
        DisruptionLevel TriggeredLevel,
        DateTimeOffset? Onset,
        double WindowObserved,
        double WindowExpected,
        double WindowReporters);

    /// <summary>Sums the newest buckets over every scan window and tests each window for a surge.</summary>
    private ScanResult Scan(DateTimeOffset bucketStart, double threshold)
    {
        double observed = 0, expected = 0, reporters = 0;
        double windowObserved = 0, windowExpected = 0, windowReporters = 0;
        double maxEvidence = 0, bestRatio = 0, bestEvidence = 0;
        var onsetBuckets = 0;
        var next = 0;
        var length = _observed.Length;
        var reach = Math.Max(_windows[^1], _explanationBuckets);
        // A series with almost no history cannot tell its own level from an outage: only sheer volume counts.
        var young = _baseline.HistoryMinutes < _settings.ColdStartDuration.TotalMinutes;
        var coldStartMinimum = _settings.ColdStartMinReportsPerMinute * _settings.BucketMinutes;
        for (var k = 1; k <= reach; k++)
        {
            var i = (_head - k + 1 + length) % length;
            expected += _expected[i];
            if (k <= _usableBuckets)
            {
                // The surge test counts each device once: a few devices reporting over and over are a few reports.
                observed += Math.Min(_observed[i], _reporters[i]);
                reporters += _reporters[i];
            }
            else
            {
                // Before the last recovery (or before the first bucket): count it as exactly usual.
                observed += _expected[i];
            }

            if (k == _explanationBuckets)
            {
                (windowObserved, windowExpected, windowReporters) = (observed, expected, reporters);
            }

            if (next < _windows.Length && k == _windows[next])
            {
                var evidence = NegativeBinomial.SurgeEvidence(observed, expected, Dispersion(next));
                maxEvidence = Math.Max(maxEvidence, evidence);
                var significant = evidence >= threshold
                    && reporters - expected >= _settings.MinDistinctReporters // that many more devices than usual
                    && observed - expected >= _settings.MinExcessReports
                    && (!young || observed >= coldStartMinimum * k);
                if (significant)
                {
                    var ratio = observed / expected;
                    bestRatio = Math.Max(bestRatio, ratio);
                    if (evidence > bestEvidence)
                    {
                        bestEvidence = evidence;
                        onsetBuckets = k;
                    }
                }

                next++;
            }
        }

        var triggered = bestRatio > 0;
        DateTimeOffset? onset = triggered ? bucketStart - (onsetBuckets - 1) * _settings.BucketWidth : null;
        return new ScanResult(maxEvidence, triggered, LevelForRatio(bestRatio), onset, windowObserved, windowExpected, windowReporters);
    }

    private DisruptionLevel LevelForRatio(double ratio) =>
        ratio >= _settings.OutageRatio ? DisruptionLevel.Outage
        : ratio >= _settings.DisruptedRatio ? DisruptionLevel.Disrupted
        : DisruptionLevel.Elevated;

    private bool IsNearBaseline(ScanResult scan) =>
        scan.WindowObserved <= _settings.RecoveryRatio * scan.WindowExpected
        || scan.WindowObserved - scan.WindowExpected < _settings.MinExcessReports;

    /// <summary>Recovering once counts fall to half the incident's peak (or near the baseline); no longer once they climb back to 80 %.</summary>
    private void UpdateRecovering(ScanResult scan)
    {
        if (IsNearBaseline(scan) || scan.WindowObserved <= 0.5 * _peakWindowCount)
        {
            _recovering = true;
        }
        else if (scan.WindowObserved >= 0.8 * _peakWindowCount)
        {
            _recovering = false;
        }
    }

    private void UpdateLevel(BucketObservation bucket, ScanResult scan)
    {
        if (_level == DisruptionLevel.Normal)
        {
            if (scan.Triggered)
            {
                _level = scan.TriggeredLevel;
                _since = scan.Onset;
                _lowerBuckets = 0;
                _nearBaselineBuckets = 0;
                _peakWindowCount = scan.WindowObserved;
            }

            return;
        }

        _peakWindowCount = Math.Max(_peakWindowCount, scan.WindowObserved);
        UpdateRecovering(scan);
        var ratio = scan.WindowObserved / scan.WindowExpected;
        var nearBaseline = IsNearBaseline(scan);
        var indicated = nearBaseline ? DisruptionLevel.Elevated : LevelForRatio(ratio);
        // Long scan windows still hold the surge after counts are back: they may raise the level, not hold it up.
        if (scan.Triggered && scan.TriggeredLevel > indicated && !nearBaseline)
        {
            indicated = scan.TriggeredLevel;
        }

        if (indicated > _level)
        {
            _level = indicated;
            _lowerBuckets = 0;
        }
        else if (indicated < _level && ++_lowerBuckets >= _downgradeBuckets)
        {
            _level = (DisruptionLevel)Math.Max((int)DisruptionLevel.Elevated, (int)_level - 1);
            _lowerBuckets = 0;
        }
        else if (indicated == _level)
        {
            _lowerBuckets = 0;
        }

        if (_since is { } since && bucket.Start - since >= _settings.MaxIncidentDuration)
        {
            _baseline.Rebase(scan.WindowObserved / (_explanationBuckets * _settings.BucketMinutes));
            CloseIncident(_nearBaselineBuckets);
            return;
        }

        if (IsNearBaseline(scan))
        {
            // NORMAL comes only from ELEVATED: the level steps down one notch at a time.
            if (++_nearBaselineBuckets >= _recoveryBuckets && _level == DisruptionLevel.Elevated)
            {
                CloseIncident(_nearBaselineBuckets);
            }
        }
        else
        {
            _nearBaselineBuckets = 0;
        }
    }

    private void CloseIncident(int bucketsToKeep)
    {
        _level = DisruptionLevel.Normal;
        _since = null;
        _peakWindowCount = 0;
        _recovering = false;
        // A new incident must be evidenced by buckets after the recovery began.
        _usableBuckets = Math.Min(_usableBuckets, bucketsToKeep);
        _nearBaselineBuckets = 0;
    }

    private double Dispersion(int window) =>
        LearnedDispersion(window) + ColdStartDispersion * Math.Min(1, 2 / _baseline.HistoryMinutes);

    private double LearnedDispersion(int window)
    {
        var weight = _dispersionWeight[window];
        if (weight <= 0)
        {
            return PriorDispersion;
        }

        var meanSquare = _dispersionDenominator[window] / weight;
        var priorDenominator = DispersionPriorBuckets * meanSquare;
        var phi = (_dispersionNumerator[window] + PriorDispersion * priorDenominator) / (_dispersionDenominator[window] + priorDenominator);
        return Math.Clamp(phi, 0, MaxDispersion);
    }

    private void LearnDispersion()
    {
        var decay = Math.Exp(-_settings.BucketMinutes / (_settings.SeasonalMemoryDays * 1440));
        double observed = 0, expected = 0;
        var next = 0;
        var length = _observed.Length;
        for (var k = 1; k <= _windows[^1] && k <= _usableBuckets; k++)
        {
            var i = (_head - k + 1 + length) % length;
            observed += _observed[i];
            expected += _expected[i];
            if (k == _windows[next])
            {
                var phi = LearnedDispersion(next);
        var clipped = Math.Min(observed, expected + 6 * NegativeBinomial.StandardDeviation(expected, phi) + 1);
                var deviation = clipped - expected;
                _dispersionNumerator[next] = _dispersionNumerator[next] * decay + deviation * deviation - expected;
                _dispersionDenominator[next] = _dispersionDenominator[next] * decay + expected * expected;
                _dispersionWeight[next] = _dispersionWeight[next] * decay + 1;
                next++;
            }
        }
    }

    private void AddCategories(IReadOnlyDictionary<string, int>? categories)
    {
        var decay = Math.Exp(-1.0 / _explanationBuckets);
        foreach (var key in _categories.Keys.ToArray())
        {
            var value = _categories[key] * decay;
            if (value < 0.01)
            {
                _categories.Remove(key);
            }
            else
            {
                _categories[key] = value;
            }
        }

        if (categories is null)
        {
            return;
        }

        foreach (var (category, count) in categories)
        {
            if (count <= 0)
            {
                continue;
            }

            if (!_categories.ContainsKey(category) && _categories.Count >= MaxCategories)
            {
                var smallest = _categories.MinBy(c => c.Value);
                if (smallest.Value >= count)
                {
                    continue;
                }

                _categories.Remove(smallest.Key);
            }

            _categories[category] = _categories.GetValueOrDefault(category) + count;
        }
    }

    private IReadOnlyList<CategoryShare> TopCategories(int count)
    {
        var total = _categories.Values.Sum();
        if (total <= 0)
        {
            return [];
        }

        return _categories.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal)
            .Take(count).Select(c => new CategoryShare(c.Key, c.Value / total)).ToArray();
    }

    /// <summary>Serialises the detector's learned state (not its settings) in a compact, versioned binary form.</summary>
    public byte[] Save()
    {
        using var stream = new MemoryStream(1024);
        using (var writer = new BinaryWriter(stream))
        {
            writer.Write(FormatVersion);
            writer.Write(_observed.Length);
            writer.Write(_windows.Length);
            _baseline.Write(writer);
            _calibrator.Write(writer);
            for (var i = 0; i < _observed.Length; i++)
            {
                writer.Write(_observed[i]);
                writer.Write(_expected[i]);
                writer.Write(_reporters[i]);
            }

            for (var w = 0; w < _windows.Length; w++)
            {
                writer.Write(_dispersionNumerator[w]);
                writer.Write(_dispersionDenominator[w]);
                writer.Write(_dispersionWeight[w]);
            }

            writer.Write(_head);
            writer.Write(_usableBuckets);
            writer.Write(_lastStart?.UtcTicks ?? 0L);
            writer.Write((byte)_level);
            writer.Write(_since?.UtcTicks ?? 0L);
            writer.Write(_lowerBuckets);
            writer.Write(_nearBaselineBuckets);
            writer.Write(_peakWindowCount);
            writer.Write(_recovering);
            writer.Write((byte)_categories.Count);
            foreach (var (category, value) in _categories)
            {
                writer.Write(category);
                writer.Write(value);
            }
        }

        return stream.ToArray();
    }

    /// <summary>Restores a detector saved by <see cref="Save"/> under the same settings.</summary>
    /// <exception cref="InvalidDataException">The state is of another format or was saved under different window settings.</exception>
    public static SeriesDetector Restore(DetectorSettings settings, ReadOnlySpan<byte> state)
    {
        var detector = new SeriesDetector(settings);
        using var stream = new MemoryStream(state.ToArray());
        using var reader = new BinaryReader(stream);
        if (reader.ReadByte() != FormatVersion)
        {
            throw new InvalidDataException("Unknown detector state format.");
        }

        if (reader.ReadInt32() != detector._observed.Length || reader.ReadInt32() != detector._windows.Length)
        {
            // Window settings changed: the learned baseline is still worth keeping, the windows are not.
            throw new InvalidDataException("Detector state was saved under different window settings.");
        }

        detector._baseline.Read(reader);
        detector._calibrator.Read(reader);
        for (var i = 0; i < detector._observed.Length; i++)
        {
            detector._observed[i] = reader.ReadSingle();
            detector._expected[i] = reader.ReadSingle();
            detector._reporters[i] = reader.ReadSingle();
        }

        for (var w = 0; w < detector._windows.Length; w++)
        {
            detector._dispersionNumerator[w] = reader.ReadDouble();
            detector._dispersionDenominator[w] = reader.ReadDouble();
            detector._dispersionWeight[w] = reader.ReadDouble();
        }

        detector._head = reader.ReadInt32();
        detector._usableBuckets = reader.ReadInt32();
        var last = reader.ReadInt64();
        detector._lastStart = last == 0 ? null : new DateTimeOffset(last, TimeSpan.Zero);
        detector._level = (DisruptionLevel)reader.ReadByte();
        var since = reader.ReadInt64();
        detector._since = since == 0 ? null : new DateTimeOffset(since, TimeSpan.Zero);
        detector._lowerBuckets = reader.ReadInt32();
        detector._nearBaselineBuckets = reader.ReadInt32();
        detector._peakWindowCount = reader.ReadDouble();
        detector._recovering = reader.ReadBoolean();
        int categories = reader.ReadByte();
        for (var i = 0; i < categories; i++)
        {
            detector._categories[reader.ReadString()] = reader.ReadDouble();
        }

        return detector;
    }
}
