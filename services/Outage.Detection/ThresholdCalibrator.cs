namespace Outage.Detection;

/// <summary>
/// Calibrates one series' evidence threshold to a target false-alarm rate from that series' own history
/// (peaks over threshold).
/// </summary>
/// <remarks>
/// While the series is normal, the calibrator watches its surge evidence. Runs of buckets above a
/// modest level <c>u</c> form clusters (one cluster is one potential alarm). If cluster peaks above
/// <c>u</c> have an exponential tail with mean excess <c>β</c> and clusters occur at rate <c>λ</c>, then
/// alarms above <c>h</c> occur at rate <c>λ·exp(−(h−u)/β)</c>; solving for the target rate gives
/// <c>h = u + β·ln(λ / target)</c>. A series whose model fits (Poisson-like noise) gets a lower
/// threshold than one with heavy, bursty noise, and a cold series starts from a conservative prior.
/// </remarks>
public sealed class ThresholdCalibrator
{
    /// <summary>The level above which evidence counts as an exceedance, in nats.</summary>
    public const double ExceedanceLevel = 4.0;

    /// <summary>Lowest threshold ever used, in nats (p ≈ 3e-4 per window).</summary>
    public const double MinThreshold = 8.0;

    /// <summary>Highest threshold ever used, in nats.</summary>
    public const double MaxThreshold = 60.0;

    private const double MemoryMinutes = 30 * 1440;
    private const double PriorExposureMinutes = 2 * 1440;
    private const double PriorClusterRatePerMinute = 0.01;
    private const double PriorMeanExcess = 1.5;
    private const double PriorClusters = 10;
    private const double MaxShape = 0.5;

    private double _exposureMinutes;
    private double _clusters;
    private double _excessSum;
    private double _excessSquares;
    private double _clusterPeak;  // 0 when not inside a cluster

    /// <summary>Minutes of normal history seen (decayed).</summary>
    public double ExposureMinutes => _exposureMinutes;

    /// <summary>Records the evidence of one normal bucket.</summary>
    /// <param name="evidence">The bucket's surge evidence (maximum over windows), in nats.</param>
    /// <param name="minutes">Bucket width in minutes.</param>
    /// <remarks>Evidence is censored at twice <paramref name="threshold"/>.</remarks>
    /// <param name="threshold">The threshold in force.</param>
    public void Observe(double evidence, double minutes, double threshold)
    {
        evidence = Math.Min(evidence, 2 * threshold);
        var decay = Math.Exp(-minutes / MemoryMinutes);
        _exposureMinutes = _exposureMinutes * decay + minutes;
        _clusters *= decay;
        _excessSum *= decay;
        _excessSquares *= decay;
        if (evidence > ExceedanceLevel)
        {
            _clusterPeak = Math.Max(_clusterPeak, evidence);
        }
        else
        {
            CloseCluster();
        }
    }

    /// <summary>Ends an open cluster of exceedances (also called when the series leaves normal).</summary>
    public void CloseCluster()
    {
        if (_clusterPeak > 0)
        {
            _clusters += 1;
            var excess = _clusterPeak - ExceedanceLevel;
            _excessSum += excess;
            _excessSquares += excess * excess;
            _clusterPeak = 0;
        }
    }

    /// <summary>The evidence threshold, in nats, that yields <paramref name="alarmsPerMinute"/> false alarms.</summary>
    public double Threshold(double alarmsPerMinute)
    {
        var priorClusters = PriorClusterRatePerMinute * PriorExposureMinutes;
        var clusterRate = (_clusters + priorClusters) / (_exposureMinutes + PriorExposureMinutes);
        var clusters = _clusters + PriorClusters;
        var mean = (_excessSum + PriorMeanExcess * PriorClusters) / clusters;
        var meanSquare = (_excessSquares + 2 * PriorMeanExcess * PriorMeanExcess * PriorClusters) / clusters;
        var variance = Math.Max(meanSquare - mean * mean, 1e-9);
        var shape = Math.Clamp(0.5 * (1 - mean * mean / variance), 0, MaxShape);
        var scale = mean * (1 - shape);
        var periods = Math.Max(clusterRate / alarmsPerMinute, 1);
        var threshold = ExceedanceLevel + (shape < 1e-6 ? scale * Math.Log(periods) : scale / shape * (Math.Pow(periods, shape) - 1));
        return Math.Clamp(threshold, MinThreshold, MaxThreshold);
    }

    internal void Write(BinaryWriter writer)
    {
        writer.Write(_exposureMinutes);
        writer.Write(_clusters);
        writer.Write(_excessSum);
        writer.Write(_excessSquares);
        writer.Write(_clusterPeak);
    }

    internal void Read(BinaryReader reader)
    {
        _exposureMinutes = reader.ReadDouble();
        _clusters = reader.ReadDouble();
        _excessSum = reader.ReadDouble();
        _excessSquares = reader.ReadDouble();
        _clusterPeak = reader.ReadDouble();
    }
}
