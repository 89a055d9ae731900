namespace Outage.Detection.Evaluation;

/// <summary>
/// NAB's scoring (numenta/NAB <c>sweeper.py</c>), for detections that are already decided (one flag per row), so operators
/// can score a configuration on their own labelled history and the project can score itself without Python.
/// </summary>
/// <remarks>
/// Rows of the probationary period (the first 15 % of the file, at most 750 rows) are ignored. Each window counts once: its
/// earliest detection scores σ(y)/σ(−1) with σ(y) = 2/(1+e^{5y}) − 1 and y = −(end − i + 1)/width (about 1 at the window's
/// start, 0 at its end); a window with no detection costs the false-negative weight. Every detection outside windows
/// costs the false-positive weight times σ of its distance after the previous window over that window's width (−1 before
/// any window), so a detection just after a window is almost free and a far one costs the full weight.
/// </remarks>
public static class NabScorer
{
    private const double ProbationShare = 0.15;
    private const int ProbationCap = 750;
    private static readonly double MaxTruePositive = ScaledSigmoid(-1);

    /// <summary>Scores one file.</summary>
    /// <param name="file">Its name, for the report.</param>
    /// <param name="timestamps">Every row's timestamp, in order.</param>
    /// <param name="detected">Whether a detection is made on each row.</param>
    /// <param name="windows">The file's labelled windows; a window limit must be a row's timestamp.</param>
    /// <param name="profile">Cost weights.</param>
    /// <exception cref="ArgumentException">A window limit is not one of the rows' timestamps.</exception>
    public static FileScore Score(string file, IReadOnlyList<DateTimeOffset> timestamps, IReadOnlyList<bool> detected, IReadOnlyList<LabelledWindow> windows, NabProfile profile)
    {
        var n = timestamps.Count;
        var probation = Math.Min((int)Math.Floor(ProbationShare * n), ProbationCap);
        var rowOf = new Dictionary<DateTimeOffset, int>(n);
        for (var i = 0; i < n; i++)
        {
            rowOf.TryAdd(timestamps[i], i);
        }

        var limits = windows.Select(w => (Start: Row(w.Start), End: Row(w.End), Label: NearestRow(w.Label))).ToArray();
        var firstDetection = new int?[limits.Length];
        var falsePositives = new List<FalsePositive>();
        var fpScore = 0.0;
        int? previousEnd = null;
        var next = 0;
        int? current = null;
        for (var i = 0; i < n; i++)
        {
            if (current is null && next < limits.Length && i == limits[next].Start)
            {
                current = next++;
            }

            if (current is { } k)
            {
                if (i >= probation && detected[i] && firstDetection[k] is null)
                {
                    firstDetection[k] = i;
                }

                if (i == limits[k].End)
                {
                    previousEnd = k;
                    current = null;
                }
            }
            else if (i >= probation && detected[i])
            {
                double weight;
                if (previousEnd is { } p && limits[p].End - limits[p].Start + 1 > 1)
                {
                    var width = limits[p].End - limits[p].Start + 1.0;
                    weight = ScaledSigmoid(Math.Abs(limits[p].End - i) / (width - 1));
                }
                else
                {
                    weight = -1;
                }

                var cost = weight * profile.FalsePositive;
                fpScore += cost;
                falsePositives.Add(new FalsePositive(i, timestamps[i], cost));
            }
        }

        var results = new List<WindowResult>(limits.Length);
        var raw = fpScore;
        for (var k = 0; k < limits.Length; k++)
        {
            var (start, end, label) = limits[k];
            var counted = end >= probation;
            double score;
            if (firstDetection[k] is { } first)
            {
                var width = end - start + 1.0;
                score = ScaledSigmoid(-(end - first + 1) / width) * profile.TruePositive / MaxTruePositive;
            }
            else
            {
                score = -profile.FalseNegative;
            }

            if (counted)
            {
                raw += score;
            }

            results.Add(new WindowResult(windows[k], firstDetection[k], start, label,
                firstDetection[k] is { } f ? timestamps[f] : null, counted ? score : 0, counted));
        }

        return new FileScore(file, results, falsePositives, raw);

        int Row(DateTimeOffset t) => rowOf.TryGetValue(t, out var row)
            ? row
            : throw new ArgumentException($"{file}: window limit {t:yyyy-MM-dd HH:mm:ss} is not a row's timestamp", nameof(windows));

        int NearestRow(DateTimeOffset t)
        {
            if (rowOf.TryGetValue(t, out var row))
            {
                return row;
            }

            var index = 0;
            while (index < n - 1 && timestamps[index] < t)
            {
                index++;
            }

            return index;
        }
    }

    /// <summary>NAB's scaled sigmoid: about 1 for y ≤ −1, 0 at y = 0, −1 for y ≥ 3.</summary>
    public static double ScaledSigmoid(double y) => y > 3 ? -1 : 2 / (1 + Math.Exp(5 * y)) - 1;
}
