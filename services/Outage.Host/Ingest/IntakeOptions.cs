namespace Outage.Host.Ingest;

/// <summary>Settings of report intake, bound from <c>Outage:Intake</c>.</summary>
public sealed class IntakeOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Outage:Intake";

    /// <summary>Most reports handed to a series grain in one call (a larger queue is handed over in several).</summary>
    public int MaxBatch { get; set; } = 2000;

    /// <summary>
    /// Key of the keyed hash applied to device ids (they are never stored in clear). Must be the same on
    /// every silo and edge; the built-in development key is for local runs only.
    /// </summary>
    public string DeviceHashKey { get; set; } = "outage-development-key-change-me";
}
