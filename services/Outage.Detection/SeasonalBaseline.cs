namespace Outage.Detection;

/// <summary>
/// The report volume a series usually has at a given time of day and day of week, learned online.
/// </summary>
/// <remarks>
/// <para>The model is a 24-slot hour-of-day profile (interpolated between slot centres) times a
/// day-of-week factor, blended with a fast overall level while the profile is still immature (cold
/// start), and with the parent series' expectation scaled by this series' learned share of it while the
/// series itself has seen few reports (sparse series).</para>
/// <para>All state is a few fixed-size arrays: about 400 bytes whatever the history length.</para>
/// </remarks>
public sealed class SeasonalBaseline
{
    /// <summary>Slots of the hour-of-day profile.</summary>
    public const int HourSlots = 24;

    private const double MinRatePerMinute = 1e-4;

    // The cold-start prior counts as two minutes of history: enough that one report is not a surge,
    // weak enough that a new series' own first minutes replace it (a busy series is not an outage
    // merely because it is new).
    private const double PriorExposureMinutes = 2;

    /// <summary>History, in minutes, a rebased baseline counts as having.</summary>
    private const double RebasedHistoryMinutes = 60;
    private const double OverallMemoryMinutes = 12 * 60;
    private const double ProfileMaturityMinutes = 180;  // exposure of a slot at which it is trusted fully (three days)
    private const double WeekdayPseudoReports = 50;
    private const double WeekdayMemoryWeeks = 4;
    private const double PoolingPseudoReports = 30;
    private const double SharePriorReports = 1;
    private const double SharePrior = 0.01;

    private readonly float[] _hourRate = new float[HourSlots];
    private readonly float[] _hourExposure = new float[HourSlots];
    private readonly double[] _weekdayObserved = new double[7];
    private readonly double[] _weekdayExpected = new double[7];
    private double _overallRate;
    private double _overallExposure;
    private double _ownReports;
    private double _shareOwn;
    private double _shareParent;
    private readonly double _slotMemoryMinutes;
    private readonly double _seasonalMemoryMinutes;
    private readonly double _coldStartReports;

    /// <summary>Creates a baseline with no history.</summary>
    /// <param name="settings">Detector settings (cold-start rate and memory).</param>
    public SeasonalBaseline(DetectorSettings settings)
    {
        _seasonalMemoryMinutes = settings.SeasonalMemoryDays * 1440;
        _slotMemoryMinutes = settings.SeasonalMemoryDays * 60;
        _coldStartReports = settings.ColdStartReports;
        _overallRate = settings.ColdStartRatePerMinute;
        _overallExposure = PriorExposureMinutes;
    }

    /// <summary>Decayed count of reports this series has seen; the weight of its own history against the parent's.</summary>
    public double OwnReports => _ownReports;

    /// <summary>
    /// Minutes of history learned (the cold-start prior counts as two), counted from the time the series had seen
    /// <see cref="DetectorSettings.ColdStartReports"/>.
    /// </summary>
    public double HistoryMinutes => _overallExposure;


    /// <summary>Expected reports in the bucket starting at <paramref name="start"/>.</summary>
    /// <param name="start">Bucket start.</param>
    /// <param name="bucketMinutes">Bucket width in minutes.</param>
    /// <param name="parent">The parent series' expectation for the same bucket, when known.</param>
    public double Expected(DateTimeOffset start, double bucketMinutes, ParentContext? parent = null)
    {
        var rate = OwnRate(start, bucketMinutes);
        if (parent is { } p)
        {
            var ownWeight = _ownReports / (_ownReports + PoolingPseudoReports);
            var pooledRate = Share * p.ExpectedCount / bucketMinutes;
            rate = ownWeight * rate + (1 - ownWeight) * pooledRate;
        }

        return Math.Max(MinRatePerMinute, rate) * bucketMinutes;
    }

    /// <summary>This series' learned share of its parent's reports.</summary>
    public double Share => (_shareOwn + SharePriorReports) / (_shareParent + SharePriorReports / SharePrior);

    /// <summary>Learns from one bucket.</summary>
    /// <param name="start">Bucket start.</param>
    /// <param name="bucketMinutes">Bucket width in minutes.</param>
    /// <param name="observed">The observed count, already clipped by the caller so that outliers cannot drag the baseline.</param>
    /// <param name="parent">The parent's expectation and count for the bucket, when known.</param>
    /// <param name="weight">1 to learn fully; a small weight while the series is disrupted, so an outage does not teach that outages are normal.</param>
    public void Learn(DateTimeOffset start, double bucketMinutes, double observed, ParentContext? parent, double weight)
    {
        if (weight <= 0)
        {
            return;
        }

        if (_ownReports < _coldStartReports)
        {
            // Youth is measured in data: quiet minutes before a series has seen a handful of reports are no history (a
            // series born of one stray report, then silent for an hour, would otherwise take its first ordinary traffic
            // for an outage over the zero it learned). The level it has seen so far is kept, its exposure is not.
            Array.Clear(_hourExposure);
            Array.Clear(_weekdayObserved);
            Array.Clear(_weekdayExpected);
            _overallExposure = Math.Min(_overallExposure, PriorExposureMinutes);
        }

        var minutes = bucketMinutes * weight;
        var rate = observed / bucketMinutes;
        var (i0, i1, f) = Slots(start, bucketMinutes);
        var day = (int)start.UtcDateTime.DayOfWeek;
        var weekday = WeekdayFactor(day);

        // Hour-of-day profile learns the rate with the day-of-week factor taken out.
        var deseasonalised = rate / weekday;
        LearnSlot(i0, deseasonalised, minutes * (1 - f));
        LearnSlot(i1, deseasonalised, minutes * f);

        // Day-of-week factor: decayed sums of observed against profile-expected reports.
        var profileExpected = Interpolate(_hourRate, i0, i1, f) * bucketMinutes;
        if (Maturity(i0, i1, f) > 0.5)
        {
            var keep = 1 - minutes / (WeekdayMemoryWeeks * 1440);
            _weekdayObserved[day] = _weekdayObserved[day] * keep + observed * weight;
            _weekdayExpected[day] = _weekdayExpected[day] * keep + profileExpected * weight;
        }

        _overallExposure += minutes;
        _overallRate += (rate - _overallRate) * minutes / Math.Min(_overallExposure, OverallMemoryMinutes);

        var decay = Math.Exp(-minutes / _seasonalMemoryMinutes);
        _ownReports = _ownReports * decay + observed * weight;
        if (parent is { } p)
        {
            _shareOwn = _shareOwn * decay + observed * weight;
            _shareParent = _shareParent * decay + Math.Max(observed, p.ObservedCount) * weight;
        }
    }

    /// <summary>
    /// Raises a young baseline's overall level to <paramref name="ratePerMinute"/> when that is more than it has learned:
    /// what the children it is rolled up from expect together. A worldwide series born from its countries' roll-ups then
    /// knows their level from its first bucket instead of taking their sum for a surge over nothing.
    /// </summary>
    public void AdoptYoungLevel(double ratePerMinute)
    {
        if (ratePerMinute > _overallRate && double.IsFinite(ratePerMinute))
        {
            _overallRate = ratePerMinute;
        }
    }

    /// <summary>Accepts <paramref name="ratePerMinute"/> as the new normal level and relearns the daily shape around it.</summary>
    /// <remarks>Used when a series has stayed away from its old baseline so long that the old baseline is wrong (a level shift, not an outage).</remarks>
    public void Rebase(double ratePerMinute)
    {
        _overallRate = ratePerMinute;
        _overallExposure = RebasedHistoryMinutes + PriorExposureMinutes;
        Array.Clear(_hourExposure);
        Array.Clear(_weekdayObserved);
        Array.Clear(_weekdayExpected);
    }

    private double OwnRate(DateTimeOffset start, double bucketMinutes)
    {
        var (i0, i1, f) = Slots(start, bucketMinutes);
        var maturity = Maturity(i0, i1, f);
        var seasonal = Interpolate(_hourRate, i0, i1, f) * WeekdayFactor((int)start.UtcDateTime.DayOfWeek);
        return maturity * seasonal + (1 - maturity) * _overallRate;
    }

    private double WeekdayFactor(int day) =>
        (_weekdayObserved[day] + WeekdayPseudoReports) / (_weekdayExpected[day] + WeekdayPseudoReports);

    private double Maturity(int i0, int i1, double f)
    {
        var exposure = Interpolate(_hourExposure, i0, i1, f);
        return Math.Min(1, exposure / ProfileMaturityMinutes);
    }

    private void LearnSlot(int slot, double rate, double minutes)
    {
        if (minutes <= 0)
        {
            return;
        }

        var exposure = Math.Min(_hourExposure[slot] + minutes, _slotMemoryMinutes);
        if (_hourExposure[slot] == 0)
        {
            // An empty slot starts from the overall level rather than from zero.
            _hourRate[slot] = (float)_overallRate;
        }

        _hourExposure[slot] = (float)exposure;
        _hourRate[slot] += (float)((rate - _hourRate[slot]) * minutes / exposure);
    }

    private static double Interpolate(float[] values, int i0, int i1, double f) => (1 - f) * values[i0] + f * values[i1];

    /// <summary>The two hour slots whose centres surround the middle of the bucket, and the weight of the second.</summary>
    private static (int I0, int I1, double F) Slots(DateTimeOffset start, double bucketMinutes)
    {
        var utc = start.UtcDateTime;
        var position = (utc.TimeOfDay.TotalMinutes + bucketMinutes / 2) / 60 - 0.5;
        var floor = Math.Floor(position);
        var i0 = ((int)floor % HourSlots + HourSlots) % HourSlots;
        return (i0, (i0 + 1) % HourSlots, position - floor);
    }

    internal void Write(BinaryWriter writer)
    {
        foreach (var v in _hourRate) writer.Write(v);
        foreach (var v in _hourExposure) writer.Write(v);
        foreach (var v in _weekdayObserved) writer.Write(v);
        foreach (var v in _weekdayExpected) writer.Write(v);
        writer.Write(_overallRate);
        writer.Write(_overallExposure);
        writer.Write(_ownReports);
        writer.Write(_shareOwn);
        writer.Write(_shareParent);
    }

    internal void Read(BinaryReader reader)
    {
        for (var i = 0; i < HourSlots; i++) _hourRate[i] = reader.ReadSingle();
        for (var i = 0; i < HourSlots; i++) _hourExposure[i] = reader.ReadSingle();
        for (var i = 0; i < 7; i++) _weekdayObserved[i] = reader.ReadDouble();
        for (var i = 0; i < 7; i++) _weekdayExpected[i] = reader.ReadDouble();
        _overallRate = reader.ReadDouble();
        _overallExposure = reader.ReadDouble();
        _ownReports = reader.ReadDouble();
        _shareOwn = reader.ReadDouble();
        _shareParent = reader.ReadDouble();
    }
}
