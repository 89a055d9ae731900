namespace Outage.Detection.Evaluation;

/// <summary>NAB's cost weights: a true positive, a missed window and a false positive.</summary>
/// <param name="Name">Profile name.</param>
/// <param name="TruePositive">Weight of a detection at the start of a window.</param>
/// <param name="FalseNegative">Cost of a window with no detection.</param>
/// <param name="FalsePositive">Cost of a detection outside every window (at most; less just after a window).</param>
public sealed record NabProfile(string Name, double TruePositive, double FalseNegative, double FalsePositive)
{
    /// <summary>NAB's standard profile.</summary>
    public static readonly NabProfile Standard = new("standard", 1.0, 1.0, 0.11);

    /// <summary>NAB's profile that charges false positives double.</summary>
    public static readonly NabProfile RewardLowFalsePositives = new("reward_low_FP_rate", 1.0, 1.0, 0.22);

    /// <summary>NAB's profile that charges missed windows double.</summary>
    public static readonly NabProfile RewardLowFalseNegatives = new("reward_low_FN_rate", 1.0, 2.0, 0.11);

    /// <summary>The three profiles, by name.</summary>
    public static IReadOnlyList<NabProfile> All { get; } = [Standard, RewardLowFalsePositives, RewardLowFalseNegatives];
}

/// <summary>How one labelled window was scored.</summary>
/// <param name="Window">The window.</param>
/// <param name="FirstRow">Row of its first detection, or null when missed.</param>
/// <param name="StartRow">Its first row.</param>
/// <param name="LabelRow">The row of its label.</param>
/// <param name="Detection">Timestamp of the first detection, or null.</param>
/// <param name="Score">Its contribution to the raw score.</param>
/// <param name="Counted">False for a window that ends inside the probationary period (NAB ignores it).</param>
public sealed record WindowResult(LabelledWindow Window, int? FirstRow, int StartRow, int LabelRow, DateTimeOffset? Detection, double Score, bool Counted)
{
    /// <summary>True when a detection fell inside the window.</summary>
    public bool Found => FirstRow is not null;

    /// <summary>Time from the window's start to the first detection.</summary>
    public TimeSpan? DelayFromStart => Detection - Window.Start;

    /// <summary>Time from the label to the first detection (negative: before the label).</summary>
    public TimeSpan? DelayFromLabel => Detection - Window.Label;
}

/// <summary>A false positive: a detection outside every window.</summary>
/// <param name="Row">Its row.</param>
/// <param name="At">Its timestamp.</param>
/// <param name="Cost">What it cost (negative).</param>
public readonly record struct FalsePositive(int Row, DateTimeOffset At, double Cost);

/// <summary>The NAB score of one file.</summary>
/// <param name="File">The data file.</param>
/// <param name="Windows">Each window's result.</param>
/// <param name="FalsePositives">The detections outside windows.</param>
/// <param name="RawScore">The file's raw score (windows plus false positives).</param>
public sealed record FileScore(string File, IReadOnlyList<WindowResult> Windows, IReadOnlyList<FalsePositive> FalsePositives, double RawScore)
{
    /// <summary>Windows that count.</summary>
    public int CountedWindows => Windows.Count(w => w.Counted);
}

/// <summary>The NAB score of a set of files, normalised as NAB publishes it (0 = no detections, 100 = perfect).</summary>
public sealed record NabScore(NabProfile Profile, IReadOnlyList<FileScore> Files)
{
    /// <summary>Sum of the files' raw scores.</summary>
    public double Raw => Files.Sum(f => f.RawScore);

    /// <summary>The score of a detector that detects nothing.</summary>
    public double Null => -Profile.FalseNegative * Files.Sum(f => f.CountedWindows);

    /// <summary>The score of a perfect detector.</summary>
    public double Perfect => Profile.TruePositive * Files.Sum(f => f.Windows.Count);

    /// <summary>100 (raw − null) / (perfect − null).</summary>
    public double Normalised => Perfect == Null ? double.NaN : 100 * (Raw - Null) / (Perfect - Null);

    /// <summary>Windows found, of those that count.</summary>
    public int WindowsFound => Files.Sum(f => f.Windows.Count(w => w.Counted && w.Found));

    /// <summary>Windows that count.</summary>
    public int WindowsCounted => Files.Sum(f => f.CountedWindows);

    /// <summary>False-positive detections.</summary>
    public int FalsePositives => Files.Sum(f => f.FalsePositives.Count);
}

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
