namespace Outage.Detection.Evaluation;

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
