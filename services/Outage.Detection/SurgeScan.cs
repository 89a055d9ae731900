namespace Outage.Detection;

/// <summary>What the surge tests found in the newest bucket.</summary>
/// <param name="MaxEvidence">The strongest evidence over every test, in nats.</param>
/// <param name="EligibleEvidence">The strongest evidence over the tests that meet the volume rules: what could have raised an alarm.</param>
/// <param name="Triggered">True when some test is significant (evidence over the threshold and the volume rules met).</param>
/// <param name="TriggeredLevel">The level the significant rise indicates (by its ratio to the usual volume).</param>
/// <param name="Onset">Estimated start of the rise, when triggered.</param>
/// <param name="WindowObserved">Reports in the explanation window (each device once per bucket).</param>
/// <param name="WindowExpected">Usual reports in the explanation window.</param>
/// <param name="WindowReporters">Distinct reporters in the explanation window.</param>
internal readonly record struct SurgeScan(
    double MaxEvidence,
    double EligibleEvidence,
    bool Triggered,
    DisruptionLevel TriggeredLevel,
    DateTimeOffset? Onset,
    double WindowObserved,
    double WindowExpected,
    double WindowReporters);
