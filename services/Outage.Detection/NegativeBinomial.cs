namespace Outage.Detection;

/// <summary>Tail evidence for counts under an overdispersed Poisson (negative-binomial) model.</summary>
/// <remarks>
/// The model has mean <c>m</c> and variance <c>m + φ·m²</c>. <see cref="SurgeEvidence"/> is the
/// negative-binomial rate function, the log-likelihood ratio of "the mean is really <c>x</c>" against
/// "the mean is <c>m</c>" (the generalised likelihood ratio for an upward shift of the mean). By the
/// Chernoff bound, <c>P(X ≥ x) ≤ exp(−evidence)</c>, so the evidence is in nats and is numerically stable
/// from one report to millions, where an exact tail sum would underflow.
/// </remarks>
public static class NegativeBinomial
{
    /// <summary>Evidence in nats that <paramref name="observed"/> is a surge above <paramref name="expected"/>; 0 when not above.</summary>
    /// <param name="observed">Observed count.</param>
    /// <param name="expected">Expected count (mean under normal conditions); must be positive.</param>
    /// <param name="dispersion">Overdispersion φ ≥ 0 (0 is Poisson).</param>
    public static double SurgeEvidence(double observed, double expected, double dispersion)
    {
        if (observed <= expected || expected <= 0)
        {
            return 0;
        }

        var poissonPart = observed * Math.Log(observed / expected);
        if (dispersion <= 1e-9)
        {
            return poissonPart - (observed - expected);
        }

        var shape = 1.0 / dispersion;
        return poissonPart - (observed + shape) * Math.Log((observed + shape) / (expected + shape));
    }

    /// <summary>The standard deviation of a count with mean <paramref name="expected"/> and dispersion <paramref name="dispersion"/>.</summary>
    public static double StandardDeviation(double expected, double dispersion) =>
        Math.Sqrt(Math.Max(0, expected + dispersion * expected * expected));

    /// <summary>Counts up to which <see cref="TailEvidence"/> sums the exact tail; above, the Chernoff bound is within a few percent.</summary>
    public const int ExactTailLimit = 400;

    /// <summary>
    /// −ln P(X ≥ <paramref name="observed"/>) for a negative-binomial count: exact (a tail sum) for counts up to
    /// <see cref="ExactTailLimit"/>, <see cref="SurgeEvidence"/> above.
    /// </summary>
    /// <remarks>
    /// Where counts are small (a sparse series: zeros most buckets, then a burst of 15 reports) the Chernoff bound
    /// understates the evidence by about ½·ln(2π·x) nats, enough to hide a burst a person would call an outage.
    /// </remarks>
    public static double TailEvidence(double observed, double expected, double dispersion)
    {
        var bound = SurgeEvidence(observed, expected, dispersion);
        var x = Math.Ceiling(observed);
        // Below a nat the bound is far from any threshold (the calibrator's exceedances start at 4): not worth the sum.
        if (bound <= 1 || x > ExactTailLimit)
        {
            return bound;
        }

        // log pmf(x), then the tail as pmf(x)·(1 + r1 + r1·r2 + ...) with the pmf's ratio of successive terms.
        double logPmf, p = 0, shape = 0;
        var poisson = dispersion <= 1e-9;
        if (poisson)
        {
            logPmf = x * Math.Log(expected) - expected - LogGamma(x + 1);
        }
        else
        {
            shape = 1.0 / dispersion;
            p = expected / (expected + shape);
            logPmf = LogGamma(x + shape) - LogGamma(shape) - LogGamma(x + 1) + shape * Math.Log(1 - p) + x * Math.Log(p);
        }

        double sum = 1, term = 1;
        for (var k = x; k < x + 2000; k++)
        {
            term *= poisson ? expected / (k + 1) : (k + shape) / (k + 1) * p;
            sum += term;
            if (term < 1e-10 * sum)
            {
                break;
            }
        }

        return Math.Max(bound, -(logPmf + Math.Log(sum)));
    }

    /// <summary>
    /// Log-likelihood ratio, in nats, of one bucket's count under "the mean is <paramref name="shift"/> times
    /// <paramref name="expected"/>" against "the mean is <paramref name="expected"/>", at the same dispersion: the
    /// increment of a CUSUM that accumulates a sustained rise too slow for any single window.
    /// </summary>
    public static double ShiftLogLikelihoodRatio(double observed, double expected, double dispersion, double shift)
    {
        if (dispersion <= 1e-9)
        {
            return observed * Math.Log(shift) - (shift - 1) * expected;
        }

        var shape = 1.0 / dispersion;
        return observed * Math.Log(shift * (expected + shape) / (shift * expected + shape)) + shape * Math.Log((expected + shape) / (shift * expected + shape));
    }

    /// <summary>ln Γ(x) for x &gt; 0 (Lanczos, g = 7, nine terms; about 15 significant digits).</summary>
    public static double LogGamma(double x)
    {
        if (x < 0.5)
        {
            // Reflection: Γ(x)Γ(1−x) = π / sin(πx).
            return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        }

        x -= 1;
        var a = Lanczos[0];
        var t = x + 7.5;
        for (var i = 1; i < Lanczos.Length; i++)
        {
            a += Lanczos[i] / (x + i);
        }

        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(a);
    }

    private static readonly double[] Lanczos =
    [
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
        12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
    ];
}
