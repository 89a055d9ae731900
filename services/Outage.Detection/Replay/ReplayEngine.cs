namespace Outage.Detection.Replay;

/// <summary>Runs the streaming detector over a recorded count series, as it would have run live.</summary>
/// <remarks>
/// Streaming and without look-ahead: each row is assessed using only the rows before it. The bucket
/// width, unless given, is taken from the first rows (the smallest step among the first ten), never from
/// the file's length or range.
/// </remarks>
public static class ReplayEngine
{
    /// <summary>The level whose first reach in an incident marks a disruption start in replay output.</summary>
    public const DisruptionLevel MarkLevel = DisruptionLevel.Elevated;

    /// <summary>Infers the bucket width from the smallest positive step among the first ten rows.</summary>
    /// <exception cref="ArgumentException">Fewer than two rows.</exception>
    public static TimeSpan InferBucketWidth(IReadOnlyList<CountRow> rows)
    {
        if (rows.Count < 2)
        {
            throw new ArgumentException("At least two rows are needed to infer the bucket width.", nameof(rows));
        }

        var width = TimeSpan.MaxValue;
        for (var i = 1; i < Math.Min(rows.Count, 10); i++)
        {
            var step = rows[i].Timestamp - rows[i - 1].Timestamp;
            if (step > TimeSpan.Zero && step < width)
            {
                width = step;
            }
        }

        return width;
    }

    /// <summary>Replays <paramref name="rows"/> through a new detector.</summary>
    /// <param name="rows">The series, sorted by time.</param>
    /// <param name="settings">Detector settings; the bucket width is replaced by the series' own unless <paramref name="bucketWidth"/> is given.</param>
    /// <param name="bucketWidth">The bucket width, or null to infer it.</param>
    /// <param name="progress">Called with the number of rows done, now and then.</param>
    public static IEnumerable<ReplayRow> Run(IReadOnlyList<CountRow> rows, DetectorSettings settings, TimeSpan? bucketWidth = null, Action<int>? progress = null)
    {
        if (rows.Count == 0)
        {
            yield break;
        }

        var width = bucketWidth ?? (rows.Count > 1 ? InferBucketWidth(rows) : settings.BucketWidth);
        var detector = new SeriesDetector(settings with { BucketWidth = width });
        var marked = false;
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var assessment = detector.Step(BucketObservation.FromCount(row.Timestamp, row.Value));
            if (assessment.Level == DisruptionLevel.Normal)
            {
                marked = false;
            }

            var start = !marked && assessment.Level >= MarkLevel;
            marked |= start;
            yield return new ReplayRow(row, assessment, start);
            if (progress is not null && (i + 1) % 1000 == 0)
            {
                progress(i + 1);
            }
        }

        progress?.Invoke(rows.Count);
    }
}
