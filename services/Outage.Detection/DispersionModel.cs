namespace Outage.Detection;

/// <summary>
/// The overdispersion φ of a series' counts summed over each scan window (variance m + φ·m²), learned from normal
/// buckets with a robust, winsorised moment estimate.
/// </summary>
/// <remarks>
/// <para>Each window's deviation from the expectation is clipped at <see cref="WinsorSigmas"/> standard deviations
/// before it is squared, so a surge (or a burst of noise) moves φ by a bounded step instead of by its square: the
/// moment estimate with a loose clip learned from the very surges it should flag, and every incident made the series
/// blinder to the next one. Buckets in an incident are not learned from at all (the caller's rule).</para>
/// <para>A vague prior (<see cref="PriorDispersion"/> worth <see cref="PriorBuckets"/> buckets) and a cold-start term
/// that fades with history keep a young series from being judged as if it were Poisson.</para>
/// </remarks>
internal sealed class DispersionModel
{
    /// <summary>Deviations beyond this many standard deviations are clipped to it.</summary>
    public const double WinsorSigmas = 3;

    private const double PriorDispersion = 0.05;
    private const double PriorBuckets = 50;
    private const double MaxDispersion = 5;

    // A young series does not know its own rate: its counts are judged with this much extra dispersion, fading as
    // history accrues (the gamma-Poisson predictive of a vague prior), so a busy new series is not an outage merely for
    // being busy, while thousands of reports at once still are.
    private const double ColdStartDispersion = 20;

    // Per window, three decayed sums in one array: Σ(d² − m), Σm² and the weight.
    private readonly double[] _sums;
    private readonly double _decay;

    public DispersionModel(int windows, double bucketMinutes, double memoryDays)
    {
        _sums = new double[3 * windows];
        _decay = Math.Exp(-bucketMinutes / (memoryDays * 1440));
    }

    /// <summary>Approximate heap bytes.</summary>
    public int Bytes => 24 + 8 * _sums.Length + 24;

    /// <summary>φ of window <paramref name="window"/> for a series with <paramref name="historyMinutes"/> of history.</summary>
    public double Dispersion(int window, double historyMinutes) =>
        Learned(window) + ColdStartDispersion * Math.Min(1, 2 / historyMinutes);

    /// <summary>The learned φ of a window, without the cold-start term.</summary>
    public double Learned(int window)
    {
        var (numerator, denominator, weight) = (_sums[3 * window], _sums[3 * window + 1], _sums[3 * window + 2]);
        if (weight <= 0)
        {
            return PriorDispersion;
        }

        var meanSquare = denominator / weight;
        var priorDenominator = PriorBuckets * meanSquare;
        var phi = (numerator + PriorDispersion * priorDenominator) / (denominator + priorDenominator);
        return Math.Clamp(phi, 0, MaxDispersion);
    }

    /// <summary>Learns from the sums of observed and expected counts of one window, ending at the newest bucket.</summary>
    /// <param name="window">The window's index.</param>
    /// <param name="observed">Reports in the window.</param>
    /// <param name="expected">Usual reports in the window.</param>
    /// <param name="young">
    /// The series is still in its cold start: it learns unwinsorised, as its baseline does, so a lumpy new series (a
    /// parent's roll-ups arriving every few minutes) knows its own noise by the time it is judged by it.
    /// </param>
    public void Learn(int window, double observed, double expected, bool young)
    {
        var sd = NegativeBinomial.StandardDeviation(expected, Learned(window));
        var deviation = young ? observed - expected : Math.Clamp(observed - expected, -WinsorSigmas * sd - 1, WinsorSigmas * sd + 1);
        var i = 3 * window;
        _sums[i] = _sums[i] * _decay + deviation * deviation - expected;
        _sums[i + 1] = _sums[i + 1] * _decay + expected * expected;
        _sums[i + 2] = _sums[i + 2] * _decay + 1;
    }

    public void Write(BinaryWriter writer)
    {
        foreach (var value in _sums)
        {
            writer.Write(value);
        }
    }

    public void Read(BinaryReader reader)
    {
        for (var i = 0; i < _sums.Length; i++)
        {
            _sums[i] = reader.ReadDouble();
        }
    }
}
