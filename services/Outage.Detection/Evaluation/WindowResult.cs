namespace Outage.Detection.Evaluation;

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
