namespace Outage.Host.Ingest;

/// <summary>Settings of report intake, bound from <c>Outage:Intake</c>.</summary>
public sealed class IntakeOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Outage:Intake";

    /// <summary>How often pending reports are handed to their series grains (default 50 ms).</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>A series' pending reports are handed over at once when this many are waiting.</summary>
    public int MaxBatch { get; set; } = 2000;

    /// <summary>
    /// Key of the keyed hash applied to device ids (they are never stored in clear). Must be the same on
    /// every silo and edge; the built-in development key is for local runs only.
    /// </summary>
    public string DeviceHashKey { get; set; } = "outage-development-key-change-me";
}
