namespace Outage.Host.Security;

/// <summary>
/// Who may call what, bound from <c>Outage:Auth</c>. With no key configured (the embedded default) reads and
/// report intake are allowed and unlimited, and state-changing calls need the first-start admin key (see
/// <see cref="AdminKeyFile"/>); once one key is configured, callers present <c>authorization: Bearer KEY</c>
/// and anonymous callers keep only what <see cref="AnonymousReports"/> and <see cref="AnonymousStatusReads"/> allow.
/// </summary>
public sealed class AuthOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Outage:Auth";

    /// <summary>API keys, stored as the SHA-256 of the key, never the key itself.</summary>
    public List<ApiKeyOptions> Keys { get; set; } = [];

    /// <summary>A JSON file holding more keys (<c>[{"Name": ..., "Hash": ..., "Scopes": [...]}]</c>), such as a mounted Kubernetes Secret.</summary>
    public string? KeysFile { get; set; }

    /// <summary>
    /// Where the hash of the first-start admin key is kept in embedded mode (default <c>outage-admin-key.sha256</c> under
    /// the content root); with Redis it is kept in Redis, so every silo and edge agrees. Delete it (or the Redis key
    /// <c>outage:{ServiceId}:admin-key-sha256</c>) and restart to rotate; configure keys to retire it.
    /// </summary>
    public string? AdminKeyFile { get; set; }

    /// <summary>Anonymous SubmitReport (the mobile apps) is allowed, limited per device and per client address.</summary>
    public bool AnonymousReports { get; set; } = true;

    /// <summary>Anonymous status reads (GetStatus, ListDisruptions, WatchStatus...) are allowed, limited per client address.</summary>
    public bool AnonymousStatusReads { get; set; } = true;

    /// <summary>Calls per second an anonymous client address may make (token bucket of twice this).</summary>
    public double AnonymousCallsPerSecondPerAddress { get; set; } = 50;

    /// <summary>Regional detail from fewer distinct reporters than this is not shown to partner reads (0: always shown).</summary>
    public int MinReportersShown { get; set; } = 5;

    /// <summary>Reports per minute an anonymous device may submit (beyond the one counted per dedupe window, they only cost).</summary>
    public int AnonymousReportsPerMinutePerDevice { get; set; } = 6;
}
