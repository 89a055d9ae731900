namespace Outage.Host.Watch;

/// <summary>The WatchStatus stream, bound from <c>Outage:Watch</c>.</summary>
public sealed class WatchOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Outage:Watch";

    /// <summary>After this long without a change the stream sends a heartbeat (default 15 s; proxies and phones drop silent streams).</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);
}
