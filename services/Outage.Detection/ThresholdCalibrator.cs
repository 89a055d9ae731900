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
/// <para>Only normal buckets are observed, and no peak that raised a disruption enters the tail model: as SPOT (Siffer et
/// al., KDD 2017) keeps its alarms out, an incident cannot teach the series that its peaks are normal (version 1 observed
/// every bucket of an open incident at up to twice the threshold, and sat at its cap for most of a busy series' life).
/// Every cluster that reached the threshold, whether it raised a disruption or was kept from one by the volume rules, is a
/// censored observation: it counts towards the rate of clusters, its excess is taken as the threshold's however high it
/// went, and the mean excess (the censored-exponential estimate) divides by the uncensored clusters only. So alarms that
/// come far more often than the target rate say the tail is heavier than the model thought, and the threshold rises
/// (a series with a 50x spike every other day learns that such spikes are its weather), while one incident moves it
/// little and its peak not at all. Without the censored alarms the calibration was bistable: a threshold that happened to
/// sit low kept every spike out of the model as an alarm and stayed low, crying wolf for ever.</para>
/// </remarks>
public sealed class ThresholdCalibrator
{
    /// <summary>The level above which evidence counts as an exceedance, in nats.</summary>
    public const double ExceedanceLevel = 4.0;

    /// <summary>Lowest threshold ever used, in nats (p ≈ 3e-4 per window).</summary>
    public const double MinThreshold = 8.0;

    private const double MemoryMinutes = 30 * 1440;
    private const double PriorExposureMinutes = 2 * 1440;
    private const double PriorClusterRatePerMinute = 0.01;
    private const double PriorMeanExcess = 1.5;
    private const double PriorClusters = 10;
    private const double MaxShape = 0.5;

    private double _exposureMinutes;
    private double _clusters;          // every cluster, alarms too: the rate λ
    private double _censored;          // alarm clusters among them, their excess censored at the threshold
    private double _excessSum;         // excesses, alarms' censored at the threshold
    private double _excessSquares;     // squares of the uncensored excesses (the tail's shape)
    private double _uncensoredSum;     // sum of the uncensored excesses
    private double _clusterPeak;       // 0 when not inside a cluster
    private double _clusterThreshold;  // the threshold the open cluster reached, or 0

    /// <summary>Minutes of normal history seen (decayed).</summary>
    public double ExposureMinutes => _exposureMinutes;

    /// <summary>Records the evidence of one normal bucket.</summary>
    /// <param name="evidence">The bucket's surge evidence (maximum over the tests), in nats.</param>
    /// <param name="minutes">Bucket width in minutes.</param>
    /// <param name="threshold">The threshold in force.</param>
    public void Observe(double evidence, double minutes, double threshold)
    {
        var decay = Math.Exp(-minutes / MemoryMinutes);
        _exposureMinutes = _exposureMinutes * decay + minutes;
        _clusters *= decay;
        _censored *= decay;
        _excessSum *= decay;
        _excessSquares *= decay;
        _uncensoredSum *= decay;
        if (evidence > ExceedanceLevel)
        {
            _clusterPeak = Math.Max(_clusterPeak, evidence);
            if (evidence >= threshold)
            {
                _clusterThreshold = Math.Max(_clusterThreshold, threshold);
            }
        }
        else
        {
            CloseCluster();
        }
    }

    /// <summary>Ends an open cluster of exceedances (also when the series leaves normal: the cluster is the incident's start).</summary>
    public void CloseCluster()
    {
        if (_clusterPeak > 0)
        {
            _clusters += 1;
            if (_clusterThreshold > 0)
            {
                _censored += 1;
                _excessSum += _clusterThreshold - ExceedanceLevel;
            }
            else
            {
                var excess = _clusterPeak - ExceedanceLevel;
                _excessSum += excess;
                _uncensoredSum += excess;
                _excessSquares += excess * excess;
            }
        }

        _clusterPeak = 0;
        _clusterThreshold = 0;
    }


    /// <summary>
    /// The series raised a disruption at <paramref name="threshold"/>: the open cluster (the incident's start) closes as a
    /// censored observation, known only to have reached the threshold. Its peak stays out of the tail model.
    /// </summary>
    public void CloseAlarm(double threshold)
    {
        _clusterPeak = Math.Max(_clusterPeak, threshold);
        _clusterThreshold = Math.Max(_clusterThreshold, threshold);
        CloseCluster();
    }

    /// <summary>The evidence threshold, in nats, that yields <paramref name="alarmsPerMinute"/> false alarms, at most <paramref name="maxThreshold"/>.</summary>
    public double Threshold(double alarmsPerMinute, double maxThreshold)
    {
        var priorClusters = PriorClusterRatePerMinute * PriorExposureMinutes;
        var clusterRate = (_clusters + priorClusters) / (_exposureMinutes + PriorExposureMinutes);
        var uncensored = _clusters - _censored + PriorClusters;
        var mean = (_excessSum + PriorMeanExcess * PriorClusters) / uncensored;
        // The shape from the uncensored excesses' moments (method of moments of the generalised Pareto).
        var uncensoredMean = (_uncensoredSum + PriorMeanExcess * PriorClusters) / uncensored;
        var meanSquare = (_excessSquares + 2 * PriorMeanExcess * PriorMeanExcess * PriorClusters) / uncensored;
        var variance = Math.Max(meanSquare - uncensoredMean * uncensoredMean, 1e-9);
        var shape = Math.Clamp(0.5 * (1 - uncensoredMean * uncensoredMean / variance), 0, MaxShape);
        var scale = mean * (1 - shape);
        var periods = Math.Max(clusterRate / alarmsPerMinute, 1);
        var threshold = ExceedanceLevel + (shape < 1e-6 ? scale * Math.Log(periods) : scale / shape * (Math.Pow(periods, shape) - 1));
        return Math.Clamp(threshold, MinThreshold, maxThreshold);
    }

    internal void Write(BinaryWriter writer)
    {
        writer.Write(_exposureMinutes);
        writer.Write(_clusters);
        writer.Write(_excessSum);
        writer.Write(_excessSquares);
        writer.Write(_censored);
        writer.Write(_uncensoredSum);
        writer.Write(_clusterPeak);
        writer.Write(_clusterThreshold);
    }

    internal void Read(BinaryReader reader)
    {
        _exposureMinutes = reader.ReadDouble();
        _clusters = reader.ReadDouble();
        _excessSum = reader.ReadDouble();
        _excessSquares = reader.ReadDouble();
        _censored = reader.ReadDouble();
        _uncensoredSum = reader.ReadDouble();
        _clusterPeak = reader.ReadDouble();
        _clusterThreshold = reader.ReadDouble();
    }

    /// <summary>Skips a version-1 calibrator: it learned from its own alarms, so its tail is not trusted (the prior is).</summary>
    internal static void SkipVersionOne(BinaryReader reader)
    {
        for (var i = 0; i < 5; i++)
        {
            reader.ReadDouble();
        }
    }
}
