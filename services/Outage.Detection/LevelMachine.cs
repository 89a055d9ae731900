namespace Outage.Detection;

/// <summary>
/// The level of a series with hysteresis: NORMAL → a level by ratio when a surge test triggers; up at once, down one
/// notch after a hold; NORMAL again only from ELEVATED after counts stayed near the baseline for the recovery duration.
/// </summary>
internal sealed class LevelMachine(DetectorSettings settings)
{
    private readonly int _recoveryBuckets = settings.Buckets(settings.RecoveryDuration);
    private readonly int _downgradeBuckets = settings.Buckets(settings.DowngradeHold);

    private int _lowerBuckets;          // consecutive buckets indicating a lower level
    private double _peakWindowCount;    // highest explanation-window count of the current incident

    /// <summary>The current level.</summary>
    public DisruptionLevel Level { get; private set; }

    /// <summary>Estimated onset of the current incident; null when normal.</summary>
    public DateTimeOffset? Since { get; private set; }

    /// <summary>True while counts fall back towards the baseline during an incident (with hysteresis).</summary>
    public bool Recovering { get; private set; }

    /// <summary>Consecutive buckets near the baseline.</summary>
    public int NearBaselineBuckets { get; private set; }

    /// <summary>When an incident has just ended: the newest buckets (those near the baseline) still usable as evidence.</summary>
    public int BucketsToKeep { get; private set; }

    /// <summary>Approximate heap bytes.</summary>
    public const int Bytes = 64;

    /// <summary>The level a significant rise of <paramref name="ratio"/> times the usual volume indicates.</summary>
    public DisruptionLevel ForRatio(double ratio) =>
        ratio >= settings.OutageRatio ? DisruptionLevel.Outage
        : ratio >= settings.DisruptedRatio ? DisruptionLevel.Disrupted
        : DisruptionLevel.Elevated;

    /// <summary>Moves the level on by one bucket's scan.</summary>
    public IncidentEnd Update(DateTimeOffset bucketStart, in SurgeScan scan)
    {
        if (Level == DisruptionLevel.Normal)
        {
            if (scan.Triggered)
            {
                Level = scan.TriggeredLevel;
                Since = scan.Onset;
                _lowerBuckets = 0;
                NearBaselineBuckets = 0;
                _peakWindowCount = scan.WindowObserved;
            }

            return IncidentEnd.None;
        }

        _peakWindowCount = Math.Max(_peakWindowCount, scan.WindowObserved);
        var nearBaseline = IsNearBaseline(scan);
        UpdateRecovering(scan, nearBaseline);
        var indicated = nearBaseline ? DisruptionLevel.Elevated : ForRatio(scan.WindowObserved / scan.WindowExpected);
        // Long scan windows still hold the surge after counts are back: they may raise the level, not hold it up.
        if (scan.Triggered && scan.TriggeredLevel > indicated && !nearBaseline)
        {
            indicated = scan.TriggeredLevel;
        }

        if (indicated > Level)
        {
            Level = indicated;
            _lowerBuckets = 0;
        }
        else if (indicated < Level && ++_lowerBuckets >= _downgradeBuckets)
        {
            Level = (DisruptionLevel)Math.Max((int)DisruptionLevel.Elevated, (int)Level - 1);
            _lowerBuckets = 0;
        }
        else if (indicated == Level)
        {
            _lowerBuckets = 0;
        }

        if (Since is { } since && bucketStart - since >= settings.MaxIncidentDuration)
        {
            Close();
            return IncidentEnd.NewNormal;
        }

        if (!nearBaseline)
        {
            NearBaselineBuckets = 0;
            return IncidentEnd.None;
        }

        // NORMAL comes only from ELEVATED: the level steps down one notch at a time.
        if (++NearBaselineBuckets >= _recoveryBuckets && Level == DisruptionLevel.Elevated)
        {
            Close();
            return IncidentEnd.Recovered;
        }

        return IncidentEnd.None;
    }

    private bool IsNearBaseline(in SurgeScan scan) =>
        scan.WindowObserved <= settings.RecoveryRatio * scan.WindowExpected
        || scan.WindowObserved - scan.WindowExpected < settings.MinExcessReports;

    /// <summary>Recovering once counts fall to half the incident's peak (or near the baseline); no longer once they climb back to 80 %.</summary>
    private void UpdateRecovering(in SurgeScan scan, bool nearBaseline)
    {
        if (nearBaseline || scan.WindowObserved <= 0.5 * _peakWindowCount)
        {
            Recovering = true;
        }
        else if (scan.WindowObserved >= 0.8 * _peakWindowCount)
        {
            Recovering = false;
        }
    }

    private void Close()
    {
        BucketsToKeep = NearBaselineBuckets;
        Level = DisruptionLevel.Normal;
        Since = null;
        _peakWindowCount = 0;
        Recovering = false;
        _lowerBuckets = 0;
        NearBaselineBuckets = 0;
    }

    public void Write(BinaryWriter writer)
    {
        writer.Write((byte)Level);
        writer.Write(Since?.UtcTicks ?? 0L);
        writer.Write(_lowerBuckets);
        writer.Write(NearBaselineBuckets);
        writer.Write(_peakWindowCount);
        writer.Write(Recovering);
    }

    public void Read(BinaryReader reader)
    {
        Level = (DisruptionLevel)reader.ReadByte();
        var since = reader.ReadInt64();
        Since = since == 0 ? null : new DateTimeOffset(since, TimeSpan.Zero);
        _lowerBuckets = reader.ReadInt32();
        NearBaselineBuckets = reader.ReadInt32();
        _peakWindowCount = reader.ReadDouble();
        Recovering = reader.ReadBoolean();
    }
}
