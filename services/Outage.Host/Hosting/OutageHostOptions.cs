namespace Outage.Host.Hosting;

/// <summary>Settings of the process as a whole, bound from the configuration section <c>Outage</c>.</summary>
public sealed class OutageHostOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Outage";

    /// <summary>The role <c>silo</c> (grains and gRPC, the default).</summary>
    public const string SiloRole = "silo";

    /// <summary>The role <c>edge</c> (gRPC only, an Orleans client that finds the silos through Redis).</summary>
    public const string EdgeRole = "edge";

    /// <summary>The process's role: <see cref="SiloRole"/> or <see cref="EdgeRole"/>.</summary>
    public string Role { get; set; } = SiloRole;

    /// <summary>How long start-up waits for Redis to answer before it fails (default 5 minutes).</summary>
    public TimeSpan RedisStartupTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a stopping process may take to finish in-flight calls and flush (default 30 s).</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a stopping process keeps serving after readiness turns false, for load balancers to notice (default 0).</summary>
    public TimeSpan DrainDelay { get; set; } = TimeSpan.Zero;

    /// <summary>Record spans even without an OTLP endpoint (default false: spans cost about a fifth of ingest throughput).</summary>
    public bool Tracing { get; set; }

    /// <summary>The share of new traces sampled (default 1; a caller's sampling decision is kept).</summary>
    public double TraceSampleRatio { get; set; } = 1.0;

    /// <summary>The settings in <paramref name="configuration"/>, checked: the role must be one of the two.</summary>
    public static OutageHostOptions From(IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<OutageHostOptions>() ?? new OutageHostOptions();
        if (options.Role is not (SiloRole or EdgeRole))
        {
            throw new InvalidOperationException($"Outage:Role must be '{SiloRole}' or '{EdgeRole}', not '{options.Role}'.");
        }

        return options;
    }
}
