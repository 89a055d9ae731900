namespace Outage.Host.Hosting;

/// <summary>
/// The cluster identity and endpoints, bound from <c>Orleans</c>. Its subsections <c>Gateway</c>, <c>Messaging</c>,
/// <c>Membership</c> and <c>GrainCollection</c> bind Orleans' own option classes directly.
/// </summary>
public sealed class OrleansHostingOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Orleans";

    /// <summary>The cluster id when none is set.</summary>
    public const string DefaultClusterId = "outage-dev";

    /// <summary>The cluster id (processes with the same one form a cluster).</summary>
    public string ClusterId { get; set; } = DefaultClusterId;

    /// <summary>The service id (grain state is keyed by it: keep it across deployments).</summary>
    public string ServiceId { get; set; } = "outage";

    /// <summary>The silo-to-silo port.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>The port clients (edges) connect to.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address other silos reach this one at (on Kubernetes the pod's IP); empty for loopback.</summary>
    public string AdvertisedAddress { get; set; } = "";

    /// <summary>Listen on every address rather than only the advertised one.</summary>
    public bool ListenOnAnyHostAddress { get; set; }

    /// <summary>The settings in <paramref name="configuration"/>.</summary>
    public static OrleansHostingOptions From(IConfiguration configuration) =>
        configuration.GetSection(Section).Get<OrleansHostingOptions>() ?? new OrleansHostingOptions();
}
