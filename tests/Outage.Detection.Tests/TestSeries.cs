using Outage.Detection;
using Outage.Detection.Simulation;

namespace Outage.Detection.Tests;

/// <summary>Builds deterministic test series: a daily rhythm with gamma-Poisson noise.</summary>
internal static class TestSeries
{
    public static readonly DateTimeOffset Start = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static double DailyRate(double perMinute, DateTimeOffset t) =>
        perMinute * (1 + 0.6 * Math.Cos(2 * Math.PI * (t.UtcDateTime.TimeOfDay.TotalHours - 18) / 24));

    /// <summary>Steps <paramref name="detector"/> through <paramref name="minutes"/> one-minute buckets, rate times multiplier(t).</summary>
    public static List<SeriesAssessment> Run(SeriesDetector detector, DateTimeOffset from, int minutes, double perMinute,
        Func<DateTimeOffset, double>? multiplier = null, int seed = 1, double dispersion = 0.02)
    {
        var sampler = new CountSampler(seed);
        var result = new List<SeriesAssessment>(minutes);
        for (var i = 0; i < minutes; i++)
        {
            var t = from.AddMinutes(i);
            var count = sampler.NegativeBinomial(DailyRate(perMinute, t) * (multiplier?.Invoke(t) ?? 1), dispersion);
            result.Add(detector.Step(new BucketObservation(t, count, count)));
        }

        return result;
    }
}
