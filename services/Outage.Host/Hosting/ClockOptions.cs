namespace Outage.Host.Hosting;

/// <summary>The product clock, bound from <c>Outage:Clock</c>: a demonstration clock runs faster than real time.</summary>
public sealed class ClockOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Outage:Clock";

    /// <summary>Simulated seconds per real second (default 1: the system clock).</summary>
    public double Speed { get; set; } = 1.0;

    /// <summary>Where a sped-up clock starts (default: now).</summary>
    public DateTimeOffset? Epoch { get; set; }
}
