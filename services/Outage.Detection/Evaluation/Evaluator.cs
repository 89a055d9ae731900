using System.Globalization;
using System.Reflection;
using Outage.Detection.Replay;

namespace Outage.Detection.Evaluation;

/// <summary>Replays labelled series through the detector and scores its detections as NAB does.</summary>
/// <remarks>
/// A detection is the row where a disruption starts (<see cref="ReplayEngine"/>: the series leaves NORMAL), the only row
/// NAB should see flagged per incident. The detector runs exactly as live: streaming, no look-ahead, the same settings.
/// </remarks>
public static class Evaluator
{
    /// <summary>Scores one configuration on every series.</summary>
    public static NabScore Evaluate(IReadOnlyList<LabelledSeries> series, DetectorSettings settings, NabProfile profile) =>
        new(profile, series.Select(s => ScoreFile(s, settings, profile)).ToArray());

    /// <summary>Replays one series and scores it.</summary>
    public static FileScore ScoreFile(LabelledSeries series, DetectorSettings settings, NabProfile profile)
    {
        var detected = ReplayEngine.Run(series.Rows, settings).Select(r => r.DisruptionStart).ToArray();
        return NabScorer.Score(series.Name, series.Rows.Select(r => r.Timestamp).ToArray(), detected, series.Windows, profile);
    }

    /// <summary>
    /// Leave-one-file-out: for each file, the grid point with the best normalised score on the other files (the first such
    /// point on a tie, so list the shipped value first) is scored on the held-out file.
    /// </summary>
    /// <param name="series">The labelled files (at least two).</param>
    /// <param name="baseSettings">The settings the grid varies.</param>
    /// <param name="grid">Setting name → values to try; the points are every combination.</param>
    /// <param name="profile">Cost weights.</param>
    /// <param name="progress">Called with (points done, points in all).</param>
    public static IReadOnlyList<Fold> LeaveOneOut(IReadOnlyList<LabelledSeries> series, DetectorSettings baseSettings,
        IReadOnlyDictionary<string, IReadOnlyList<string>> grid, NabProfile profile, Action<int, int>? progress = null)
    {
        if (series.Count < 2)
        {
            throw new ArgumentException("Leave-one-out needs at least two labelled files.", nameof(series));
        }

        var points = Points(grid).ToList();
        var scores = new FileScore[points.Count][];
        for (var p = 0; p < points.Count; p++)
        {
            var settings = Apply(baseSettings, points[p]);
            scores[p] = series.AsParallel().AsOrdered().Select(s => ScoreFile(s, settings, profile)).ToArray();
            progress?.Invoke(p + 1, points.Count);
        }

        var folds = new List<Fold>();
        for (var f = 0; f < series.Count; f++)
        {
            var best = -1;
            var bestScore = double.NegativeInfinity;
            for (var p = 0; p < points.Count; p++)
            {
                var training = new NabScore(profile, scores[p].Where((_, i) => i != f).ToArray()).Normalised;
                if (training > bestScore + 1e-9)
                {
                    (best, bestScore) = (p, training);
                }
            }

            var held = scores[best][f];
            folds.Add(new Fold(series[f].Name, points[best], bestScore, held, new NabScore(profile, [held]).Normalised));
        }

        return folds;
    }

    /// <summary>Names of the settings a grid may vary: the numeric and duration properties of <see cref="DetectorSettings"/>.</summary>
    public static IReadOnlyList<string> TunableSettings { get; } = typeof(DetectorSettings).GetProperties()
        .Where(p => p.CanWrite && (p.PropertyType == typeof(double) || p.PropertyType == typeof(int) || p.PropertyType == typeof(TimeSpan)))
        .Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();

    /// <summary>Returns <paramref name="settings"/> with the named values set (invariant culture; durations as <c>hh:mm:ss</c>).</summary>
    /// <exception cref="ArgumentException">An unknown setting or a value that does not parse, naming it.</exception>
    public static DetectorSettings Apply(DetectorSettings settings, IReadOnlyDictionary<string, string> values)
    {
        var copy = settings with { };
        foreach (var (name, text) in values)
        {
            var property = typeof(DetectorSettings).GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null || !TunableSettings.Contains(property.Name))
            {
                throw new ArgumentException($"unknown setting '{name}' (one of {string.Join(", ", TunableSettings)})", nameof(values));
            }

            // Each branch boxed on its own: a conditional of int and double would make every integer setting a double.
            object value = property.PropertyType == typeof(TimeSpan)
                ? TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) ? span : throw Bad()
                : property.PropertyType == typeof(int)
                    ? int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? (object)i : throw Bad()
                    : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? (object)d : throw Bad();
            property.SetValue(copy, value);

            ArgumentException Bad() => new($"setting {property.Name}: '{text}' is not a {property.PropertyType.Name}", nameof(values));
        }

        return copy.Validate();
    }

    private static IEnumerable<IReadOnlyDictionary<string, string>> Points(IReadOnlyDictionary<string, IReadOnlyList<string>> grid)
    {
        IEnumerable<Dictionary<string, string>> points = [new Dictionary<string, string>(StringComparer.Ordinal)];
        foreach (var (name, values) in grid)
        {
            points = points.SelectMany(p => values.Select(v => new Dictionary<string, string>(p, StringComparer.Ordinal) { [name] = v }));
        }

        return points;
    }
}
