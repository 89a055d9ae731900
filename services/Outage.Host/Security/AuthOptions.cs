namespace Outage.Host.Security;

/// <summary>
/// Who may call what, bound from <c>Outage:Auth</c>. With no key configured (the embedded default) every
/// call is allowed and unlimited; once one key is configured, callers present <c>authorization: Bearer KEY</c>
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

/// <summary>One API key.</summary>
public sealed class ApiKeyOptions
{
    /// <summary>Who holds it (the partition of its quota, and what logs name).</summary>
    public string Name { get; set; } = "";

    /// <summary>Lower-case hex SHA-256 of the key: <c>printf %s "$KEY" | sha256sum</c>.</summary>
    public string Hash { get; set; } = "";

    /// <summary>What it may do: <c>reports:write</c>, <c>status:read</c>, <c>admin</c>.</summary>
    public List<string> Scopes { get; set; } = [];

    /// <summary>Calls per second allowed to this key (token bucket of twice this).</summary>
    public double CallsPerSecond { get; set; } = 200;
}

/// <summary>The scopes a key may hold.</summary>
public static class Scopes
{
    /// <summary>Submit reports (ReportIntakeService).</summary>
    public const string ReportsWrite = "reports:write";

    /// <summary>Read status, timelines, incidents (StatusQueryService).</summary>
    public const string StatusRead = "status:read";

    /// <summary>Manage the catalog and post statements.</summary>
    public const string Admin = "admin";

    /// <summary>The claim type that carries a scope.</summary>
    public const string ClaimType = "scope";
}
