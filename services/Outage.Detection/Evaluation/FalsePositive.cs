namespace Outage.Detection.Evaluation;

/// <summary>A false positive: a detection outside every window.</summary>
/// <param name="Row">Its row.</param>
/// <param name="At">Its timestamp.</param>
/// <param name="Cost">What it cost (negative).</param>
public readonly record struct FalsePositive(int Row, DateTimeOffset At, double Cost);
