using Outage.Detection.Incidents;

namespace Outage.Detection.Simulation;

/// <summary>The ground truth of one injected incident on one series.</summary>
/// <param name="Series">The series hit.</param>
/// <param name="Incident">The injected incident.</param>
/// <param name="BaselinePerHour">The series' normal reports per hour at the onset.</param>
/// <param name="ExcessReports">Expected reports above normal over the whole incident.</param>
/// <param name="Multiplier">Peak multiple of the normal rate on this series: the incident's own for a region it hits, diluted by the healthy regions for the worldwide series.</param>
public sealed record TruthOnSeries(SeriesKey Series, InjectedIncident Incident, double BaselinePerHour, double ExcessReports, double Multiplier);
