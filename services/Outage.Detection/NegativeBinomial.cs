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
}
