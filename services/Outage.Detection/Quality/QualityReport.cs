using Outage.Detection.Simulation;

namespace Outage.Detection.Quality;

/// <summary>The quality benchmark over a set of scenario runs.</summary>
public sealed class QualityReport
{
    private static readonly TimeSpan Before = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan After = TimeSpan.FromMinutes(90);

    /// <summary>Scores the runs.</summary>
    public QualityReport(IReadOnlyList<ScenarioRunResult> runs)
    {
        Runs = runs;
        var outcomes = new List<TruthOutcome>();
        var falseDisruptions = new List<FalseDisruption>();
        double normalSeriesDays = 0;
        foreach (var run in runs)
        {
            foreach (var truth in run.Truth)
            {
                var episode = run.Episodes
                    .Where(e => e.Series == truth.Series && e.DisruptedAt is { } d && d >= truth.Incident.Start - Before && d <= truth.Incident.End + TimeSpan.FromMinutes(30))
                    .OrderBy(e => e.DisruptedAt).FirstOrDefault();
                outcomes.Add(new TruthOutcome(run.Scenario.Name, truth, episode is not null,
                    episode?.DisruptedAt - truth.Incident.Start,
                    episode?.ClosedAt - truth.Incident.End));
            }

            foreach (var episode in run.Episodes)
            {
                if (episode.DisruptedAt is not { } at || at < run.Scenario.ScoredFrom)
                {
                    continue;
                }

                var explained = run.Truth.Any(t => t.Series == episode.Series && at >= t.Incident.Start - Before && at <= t.Incident.End + After);
                if (!explained)
                {
                    falseDisruptions.Add(new FalseDisruption(run.Scenario.Name, episode));
                }
            }

            var scored = (run.Scenario.End - run.Scenario.ScoredFrom).TotalDays * run.Series;
            var disturbed = run.Truth.Sum(t => (t.Incident.Duration + After).TotalDays);
            normalSeriesDays += scored - disturbed;
        }

        Outcomes = outcomes;
        FalseDisruptions = falseDisruptions;
        NormalSeriesDays = normalSeriesDays;
    }

    /// <summary>The runs scored.</summary>
    public IReadOnlyList<ScenarioRunResult> Runs { get; }

    /// <summary>One outcome per injected incident per series hit.</summary>
    public IReadOnlyList<TruthOutcome> Outcomes { get; }

    /// <summary>Every false disruption.</summary>
    public IReadOnlyList<FalseDisruption> FalseDisruptions { get; }

    /// <summary>Series-days of normal traffic scored for false disruptions.</summary>
    public double NormalSeriesDays { get; }

    /// <summary>False disruptions per series per 30 days of normal traffic.</summary>
    public double FalseDisruptionsPer30Days => NormalSeriesDays <= 0 ? 0 : FalseDisruptions.Count / NormalSeriesDays * 30;

    /// <summary>Recall over incidents that must be found.</summary>
    public double Recall => Fraction(Outcomes.Where(o => o.MustBeFound));

    /// <summary>Recall over non-collateral incidents below the bar (reported separately).</summary>
    public double RecallBelowBar => Fraction(Outcomes.Where(o => !o.MustBeFound && !o.Truth.Incident.Collateral));

    /// <summary>Delays of found incidents within the delay goal.</summary>
    public IReadOnlyList<TimeSpan> GoalDelays => Outcomes.Where(o => o.InDelayGoal && o.Delay is not null).Select(o => o.Delay!.Value).Order().ToArray();

    /// <summary>Delays of every found, non-collateral incident.</summary>
    public IReadOnlyList<TimeSpan> AllDelays => Outcomes.Where(o => !o.Truth.Incident.Collateral && o.Delay is not null).Select(o => o.Delay!.Value).Order().ToArray();

    /// <summary>Times from incident end to declared recovery.</summary>
    public IReadOnlyList<TimeSpan> Recoveries => Outcomes.Where(o => o.Recovery is not null).Select(o => o.Recovery!.Value).Order().ToArray();

    /// <summary>The <paramref name="q"/> quantile (nearest rank) of sorted values, or null when empty.</summary>
    public static TimeSpan? Quantile(IReadOnlyList<TimeSpan> sorted, double q) =>
        sorted.Count == 0 ? null : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static double Fraction(IEnumerable<TruthOutcome> outcomes)
    {
        var list = outcomes.ToList();
        return list.Count == 0 ? 1 : (double)list.Count(o => o.Found) / list.Count;
    }
}
