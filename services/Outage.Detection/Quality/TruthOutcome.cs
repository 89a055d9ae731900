using Outage.Detection.Simulation;

namespace Outage.Detection.Quality;

/// <summary>How the detector did on one injected incident on one series.</summary>
/// <param name="Scenario">Scenario name.</param>
/// <param name="Truth">The injected incident on the series.</param>
/// <param name="Found">True when the series reached DISRUPTED or OUTAGE during the incident.</param>
/// <param name="Delay">Onset to DISRUPTED.</param>
/// <param name="Recovery">End of the incident (the end of its ramp down) to the series declared NORMAL again.</param>
public sealed record TruthOutcome(string Scenario, TruthOnSeries Truth, bool Found, TimeSpan? Delay, TimeSpan? Recovery)
{
    /// <summary>The bar: at least 3x and at least 20 reports above the expected count.</summary>
    public bool MustBeFound => !Truth.Incident.Collateral && Truth.Multiplier >= 3 && Truth.ExcessReports >= 20;

    /// <summary>At least 5x on a series of at least 10 reports per hour: the delay goal applies.</summary>
    public bool InDelayGoal => !Truth.Incident.Collateral && Truth.Multiplier >= 5 && Truth.BaselinePerHour >= 10;
}
