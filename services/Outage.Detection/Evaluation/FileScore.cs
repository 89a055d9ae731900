namespace Outage.Detection.Evaluation;

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
