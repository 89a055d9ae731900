namespace Outage.Detection.Simulation;

/// <summary>Draws overdispersed counts (gamma-Poisson, that is negative binomial) from a seeded generator.</summary>
public sealed class CountSampler(int seed)
{
    private readonly Random _random = new(seed);

    /// <summary>A count with mean <paramref name="mean"/> and variance <c>mean + dispersion·mean²</c>.</summary>
    public int NegativeBinomial(double mean, double dispersion)
    {
        if (mean <= 0)
        {
            return 0;
        }

        var rate = dispersion > 0 ? Gamma(1 / dispersion) * dispersion * mean : mean;
        return Poisson(rate);
    }

    /// <summary>A Poisson count (exact for small means, normal approximation above 50).</summary>
    public int Poisson(double mean)
    {
        if (mean > 50)
        {
            return Math.Max(0, (int)Math.Round(mean + Math.Sqrt(mean) * Normal()));
        }

        var limit = Math.Exp(-mean);
        var k = 0;
        var product = _random.NextDouble();
        while (product > limit)
        {
            k++;
            product *= _random.NextDouble();
        }

        return k;
    }

    /// <summary>Picks an index with probability proportional to <paramref name="weights"/>.</summary>
    public int Pick(IReadOnlyList<double> weights)
    {
        var u = _random.NextDouble() * weights.Sum();
        for (var i = 0; i < weights.Count; i++)
        {
            u -= weights[i];
            if (u <= 0)
            {
                return i;
            }
        }

        return weights.Count - 1;
    }

    private double Normal() =>
        Math.Sqrt(-2 * Math.Log(1 - _random.NextDouble())) * Math.Cos(2 * Math.PI * _random.NextDouble());

    /// <summary>Gamma(shape, 1) by Marsaglia and Tsang.</summary>
    private double Gamma(double shape)
    {
        if (shape < 1)
        {
            return Gamma(shape + 1) * Math.Pow(_random.NextDouble(), 1 / shape);
        }

        var d = shape - 1.0 / 3;
        var c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = Normal();
                v = 1 + c * x;
            }
            while (v <= 0);

            v = v * v * v;
            var u = _random.NextDouble();
            if (u < 1 - 0.0331 * x * x * x * x || Math.Log(u) < 0.5 * x * x + d * (1 - v + Math.Log(v)))
            {
                return d * v;
            }
        }
    }
}
