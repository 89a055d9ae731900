namespace Outage.Grains.OfficialStatus;

/// <summary>How official status sources are read, bound from <c>Outage:OfficialStatus</c>.</summary>
public sealed class OfficialStatusOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Outage:OfficialStatus";

    /// <summary>How often a source is read while it answers (default 2 minutes).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The longest wait between reads of a failing source (the wait doubles with each failure up to this; default 30 minutes).</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long one request may take, connection to last byte (default 10 s).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The largest answer read (default 1 MiB; a Statuspage summary is a few KB).</summary>
    public int MaxResponseBytes { get; set; } = 1 << 20;

    /// <summary>
    /// Allow sources on loopback, private, link-local and other non-public addresses (default false: a catalog entry must
    /// not make the silos probe the internal network). Tests and private deployments turn it on.
    /// </summary>
    public bool AllowPrivateAddresses { get; set; }
}
