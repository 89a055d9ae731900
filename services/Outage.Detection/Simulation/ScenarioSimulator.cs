using Outage.Detection.Incidents;

namespace Outage.Detection.Simulation;

/// <summary>Generates the counts of a <see cref="Scenario"/>, deterministically from its seed.</summary>
/// <remarks>
/// Each region series follows a daily rhythm (cosine), a weekend dip, gamma-Poisson noise and its
/// injected incidents. Each service also gets its worldwide series, the sum of its regions, which is the
/// parent of the region series.
/// </remarks>
public sealed class ScenarioSimulator
{
    private static readonly IReadOnlyDictionary<string, double> UsualMix =
        new Dictionary<string, double> { ["login"] = 0.2, ["feed"] = 0.35, ["posting"] = 0.2, ["messages"] = 0.25 };

    private readonly Scenario _scenario;
    private readonly TimeSpan _bucketWidth;
    private readonly SimulatedSeries[] _regions;
    private readonly string[] _services;

    /// <summary>Prepares a simulation of <paramref name="scenario"/> in buckets of <paramref name="bucketWidth"/>.</summary>
    public ScenarioSimulator(Scenario scenario, TimeSpan bucketWidth)
    {
        _scenario = scenario;
        _bucketWidth = bucketWidth;
        _regions = scenario.Series.ToArray();
        _services = _regions.Select(s => s.Series.ServiceId).Distinct().ToArray();
        SeriesKeys = _services.Select(s => new SeriesKey(s, "")).Concat(_regions.Select(r => r.Series)).ToArray();
        Owners = SeriesKeys.ToDictionary(k => k, k => _regions.First(r => r.Series.ServiceId == k.ServiceId).Owner);
    }

    /// <summary>All series produced: the worldwide series of each service first, then the region series.</summary>
    public IReadOnlyList<SeriesKey> SeriesKeys { get; }

    /// <summary>Owner of every series.</summary>
    public IReadOnlyDictionary<SeriesKey, string> Owners { get; }

    /// <summary>When a series starts to exist (its first possible report); null when it has full history.</summary>
    public DateTimeOffset? FirstReport(SeriesKey series) =>
        _regions.Where(r => r.Series == series || (series.Region.Length == 0 && r.Series.ServiceId == series.ServiceId))
            .Select(r => r.FirstReport).Aggregate((DateTimeOffset?)DateTimeOffset.MaxValue, (a, b) => b is null || a is null ? null : (a < b ? a : b));

    /// <summary>The parent of a series: the service worldwide for a region, none for the worldwide series.</summary>
    public static SeriesKey? ParentOf(SeriesKey series) => series.Region.Length == 0 ? null : new SeriesKey(series.ServiceId, "");

    /// <summary>The normal (incident-free) rate of a series in reports per minute at <paramref name="time"/>.</summary>
    public static double NormalRate(SimulatedSeries series, DateTimeOffset time)
    {
        if (series.FirstReport is { } first && time < first)
        {
            return 0;
        }

        var hour = time.UtcDateTime.TimeOfDay.TotalHours;
        var daily = 1 + series.DailyAmplitude * Math.Cos(2 * Math.PI * (hour - series.PeakHourUtc) / 24);
        var weekly = time.UtcDateTime.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? 0.85 : 1.05;
        return series.ReportsPerMinute * daily * weekly;
    }

    /// <summary>The ground truth: every injected incident on every series it hits, worldwide series included.</summary>
    public IReadOnlyList<TruthOnSeries> Truth()
    {
        var truth = new List<TruthOnSeries>();
        foreach (var incident in _scenario.Incidents)
        {
            var hit = _regions.Where(r => incident.Hits(r.Series)).ToArray();
            foreach (var group in hit.GroupBy(r => r.Series.ServiceId))
            {
                var all = _regions.Where(r => r.Series.ServiceId == group.Key).ToArray();
                double worldExcess = 0;
                foreach (var series in group)
                {
                    var (baseline, excess) = Integrate(series, incident);
                    truth.Add(new TruthOnSeries(series.Series, incident, baseline, excess, incident.Multiplier));
                    worldExcess += excess;
                }

                var worldBase = all.Sum(s => NormalRate(s, incident.Start) * 60);
                var hitBase = group.Sum(s => NormalRate(s, incident.Start) * 60);
                var worldMultiplier = 1 + (incident.Multiplier - 1) * hitBase / worldBase;
                truth.Add(new TruthOnSeries(new SeriesKey(group.Key, ""), incident, worldBase, worldExcess, worldMultiplier));
            }
        }

        return truth;
    }

    private (double BaselinePerHour, double Excess) Integrate(SimulatedSeries series, InjectedIncident incident)
    {
        double excess = 0;
        for (var t = incident.Start; t < incident.End; t += _bucketWidth)
        {
            var normal = NormalRate(series, t);
            excess += normal * (incident.MultiplierAt(t) - 1) * _bucketWidth.TotalMinutes;
        }

        return (NormalRate(series, incident.Start) * 60, excess);
    }

    /// <summary>Generates every bucket of the scenario in time order.</summary>
    public IEnumerable<SimulatedBucket> Generate()
    {
        var sampler = new CountSampler(_scenario.Seed);
        var minutes = _bucketWidth.TotalMinutes;
        for (var t = _scenario.Start; t < _scenario.End; t += _bucketWidth)
        {
            var buckets = new BucketObservation[SeriesKeys.Count];
            var worldCounts = new int[_services.Length];
            var worldCategories = _services.Select(_ => new Dictionary<string, int>(StringComparer.Ordinal)).ToArray();
            for (var i = 0; i < _regions.Length; i++)
            {
                var series = _regions[i];
                var normal = NormalRate(series, t) * minutes;
                var multiplier = 1.0;
                IReadOnlyDictionary<string, double>? mix = null;
                foreach (var incident in _scenario.Incidents)
                {
                    if (incident.Hits(series.Series) && incident.MultiplierAt(t) > 1)
                    {
                        multiplier *= incident.MultiplierAt(t);
                        mix = incident.CategoryMix ?? mix;
                    }
                }

                var count = sampler.NegativeBinomial(normal * multiplier, series.Dispersion);
                var categories = SplitCategories(sampler, count, multiplier, mix);
                buckets[_services.Length + i] = new BucketObservation(t, count, count, categories);
                var s = Array.IndexOf(_services, series.Series.ServiceId);
                worldCounts[s] += count;
                foreach (var (category, n) in categories)
                {
                    worldCategories[s][category] = worldCategories[s].GetValueOrDefault(category) + n;
                }
            }

            for (var s = 0; s < _services.Length; s++)
            {
                buckets[s] = new BucketObservation(t, worldCounts[s], worldCounts[s], worldCategories[s]);
            }

            yield return new SimulatedBucket(t, SeriesKeys, buckets);
        }
    }

    private static Dictionary<string, int> SplitCategories(CountSampler sampler, int count, double multiplier, IReadOnlyDictionary<string, double>? incidentMix)
    {
        var shares = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (category, share) in UsualMix)
        {
            shares[category] = share / multiplier;
        }

        foreach (var (category, share) in incidentMix ?? UsualMix)
        {
            shares[category] = shares.GetValueOrDefault(category) + share * (1 - 1 / multiplier);
        }

        var names = shares.Keys.ToArray();
        var weights = names.Select(n => shares[n]).ToArray();
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        var assigned = 0;
        for (var i = 0; i < names.Length; i++)
        {
            var n = (int)Math.Floor(count * weights[i]);
            if (n > 0)
            {
                result[names[i]] = n;
            }

            assigned += n;
        }

        for (; assigned < count; assigned++)
        {
            var name = names[sampler.Pick(weights)];
            result[name] = result.GetValueOrDefault(name) + 1;
        }

        return result;
    }
}
