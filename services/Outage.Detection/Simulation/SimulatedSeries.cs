using Outage.Detection.Incidents;

namespace Outage.Detection.Simulation;

/// <summary>The normal traffic of one simulated series.</summary>
/// <param name="Series">Service and region.</param>
/// <param name="Owner">Owner (family) of the service.</param>
/// <param name="ReportsPerMinute">Mean reports per minute over a day.</param>
/// <param name="DailyAmplitude">Relative swing of the daily rhythm (0.6 means ±60 %).</param>
/// <param name="PeakHourUtc">Hour of the daily peak, UTC.</param>
/// <param name="Dispersion">Overdispersion of the noise (0 is Poisson).</param>
/// <param name="FirstReport">When the series starts to exist (cold start); null for a series with full history.</param>
public sealed record SimulatedSeries(
    SeriesKey Series,
    string Owner,
    double ReportsPerMinute,
    double DailyAmplitude = 0.6,
    double PeakHourUtc = 18,
    double Dispersion = 0.02,
    DateTimeOffset? FirstReport = null);
