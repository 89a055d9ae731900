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
