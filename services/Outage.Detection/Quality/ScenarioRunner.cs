using System.Diagnostics;
using Outage.Detection.Incidents;
using Outage.Detection.Simulation;

namespace Outage.Detection.Quality;

/// <summary>Runs one detector per series over a simulated scenario, worldwide series as parents of region series.</summary>
public static class ScenarioRunner
{
    /// <summary>Runs <paramref name="scenario"/> with <paramref name="settings"/>; <paramref name="progress"/> gets the fraction done.</summary>
    public static ScenarioRunResult Run(Scenario scenario, DetectorSettings settings, Action<double>? progress = null)
    {
        var clock = Stopwatch.StartNew();
        var simulator = new ScenarioSimulator(scenario, settings.BucketWidth);
        var keys = simulator.SeriesKeys;
        var detectors = keys.Select(_ => new SeriesDetector(settings)).ToArray();
        var trackers = keys.Select(k => new IncidentTracker(k, simulator.Owners[k])).ToArray();
        var parentIndex = keys.Select(k => ScenarioSimulator.ParentOf(k) is { } p ? IndexOf(keys, p) : -1).ToArray();
        var correlator = new IncidentCorrelator(IncidentCorrelator.DefaultWindow);
        var open = new (DateTimeOffset Opened, DateTimeOffset? Disrupted, DisruptionLevel Peak)?[keys.Count];
        var episodes = new List<DisruptionEpisode>();
        var groups = new Dictionary<string, GroupIncident>(StringComparer.Ordinal);
        var expected = new double[keys.Count];
        // A series comes into being with its first report: no detector steps through the time before it.
        var firstReport = keys.Select(k => simulator.FirstReport(k) ?? DateTimeOffset.MinValue).ToArray();
        var totalBuckets = (long)(scenario.Duration / settings.BucketWidth);
        long stepped = 0, done = 0;
        foreach (var bucket in simulator.Generate())
        {
            for (var i = 0; i < keys.Count; i++)
            {
                if (bucket.Start < firstReport[i])
                {
                    continue;
                }

                var observation = bucket.Buckets[i];
                ParentContext? parent = parentIndex[i] >= 0 ? new ParentContext(expected[parentIndex[i]], bucket.Buckets[parentIndex[i]].Count) : null;
                var assessment = detectors[i].Step(observation, parent);
                expected[i] = assessment.ExpectedInBucket;
                stepped++;
                Record(keys[i], assessment, ref open[i], episodes);
                if (trackers[i].Observe(assessment) is { } incident)
                {
                    var group = correlator.Observe(incident);
                    groups[group.Id] = group;
                }
            }

            if (++done % 1440 == 0)
            {
                progress?.Invoke((double)done / totalBuckets);
            }
        }

        for (var i = 0; i < keys.Count; i++)
        {
            if (open[i] is { } o)
            {
                episodes.Add(new DisruptionEpisode(keys[i], o.Opened, o.Disrupted, null, o.Peak));
            }
        }

        progress?.Invoke(1);
        return new ScenarioRunResult(scenario, simulator.Truth(), episodes, groups.Values.ToArray(), keys.Count, stepped, clock.Elapsed,
            detectors.Max(d => d.StateBytes));
    }

    private static void Record(SeriesKey key, SeriesAssessment a, ref (DateTimeOffset Opened, DateTimeOffset? Disrupted, DisruptionLevel Peak)? open, List<DisruptionEpisode> episodes)
    {
        if (a.IncidentOpened)
        {
            open = (a.At, null, a.Level);
        }

        if (open is { } o)
        {
            var disrupted = o.Disrupted ?? (a.Level >= DisruptionLevel.Disrupted ? a.At : null);
            open = (o.Opened, disrupted, a.Level > o.Peak ? a.Level : o.Peak);
            if (a.IncidentClosed)
            {
                episodes.Add(new DisruptionEpisode(key, o.Opened, disrupted, a.At, open.Value.Peak));
                open = null;
            }
        }
    }

    private static int IndexOf(IReadOnlyList<SeriesKey> keys, SeriesKey key)
    {
        for (var i = 0; i < keys.Count; i++)
        {
            if (keys[i] == key)
            {
                return i;
            }
        }

        return -1;
    }
}
