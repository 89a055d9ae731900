namespace Outage.Host.Ingest;

/// <summary>Settings of report intake, bound from <c>Outage:Intake</c>.</summary>
public sealed class IntakeOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Outage:Intake";

    /// <summary>
    /// Most reports handed to a series grain in one call by the aggregator (a larger queue is handed over in several);
    /// not to be confused with <see cref="ReportValidator.MaxReportsPerRequest"/>, the most a client may send at once.
    /// </summary>
    public int MaxReportsPerGrainCall { get; set; } = 2000;

    /// <summary>
    /// How often the aggregator forgets the queues of series that had no report since the sweep before (so a series is
    /// forgotten after one to two periods of quiet; its next report builds a new queue). Zero turns the sweep off.
    /// </summary>
    public TimeSpan IdleQueueSweep { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Intake calls that run at once per process, the rest waiting their turn without using the CPU (default 4 per
    /// core embedded, where ingest is CPU-bound, and 64 per core with Redis, where a call mostly waits for its journal).
    /// </summary>
    public int? MaxConcurrentCalls { get; set; }

    /// <summary>
    /// Key of the keyed hash applied to device ids (they are never stored in clear). Must be the same on
    /// every silo and edge; the built-in development key is for local runs only.
    /// </summary>
    public string DeviceHashKey { get; set; } = "outage-development-key-change-me";
}
