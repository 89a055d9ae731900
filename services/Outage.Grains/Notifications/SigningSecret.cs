using System.Security.Cryptography;

namespace Outage.Grains.Notifications;

/// <summary>A webhook signing secret (<c>whsec_</c> and base64 of 32 random bytes), and until when it still signs.</summary>
/// <param name="Value">The secret.</param>
/// <param name="ExpiresAt">Null for the current secret; for a rotated-out one, the end of its grace period (product clock).</param>
[GenerateSerializer, Immutable, Alias("outage.SigningSecret")]
public sealed record SigningSecret([property: Id(0)] string Value, [property: Id(1)] DateTimeOffset? ExpiresAt)
{
    /// <summary>The prefix Standard Webhooks gives symmetric secrets.</summary>
    public const string Prefix = "whsec_";

    /// <summary>A new random secret.</summary>
    public static SigningSecret Create() => new(Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), null);
}
