namespace Outage.Detection;

/// <summary>What the parent series (subdivision to country, country to world) expects and saw in the same bucket.</summary>
/// <param name="ExpectedCount">The parent's expected report count for the bucket.</param>
/// <param name="ObservedCount">The parent's observed report count for the bucket (including this series' reports).</param>
/// <remarks>A sparse series borrows the parent's shape and level, scaled by its learned share of the parent.</remarks>
public readonly record struct ParentContext(double ExpectedCount, double ObservedCount);
