using System.Diagnostics;
using Outage.Detection.Incidents;
using Outage.Detection.Simulation;

namespace Outage.Detection.Quality;

/// <summary>One episode of a series away from NORMAL, as the detector saw it.</summary>
/// <param name="Series">The series.</param>
/// <param name="OpenedAt">When it left NORMAL.</param>
/// <param name="DisruptedAt">When it first reached DISRUPTED or OUTAGE; null if it stayed ELEVATED.</param>
/// <param name="ClosedAt">When it was declared recovered; null if still open at the end.</param>
/// <param name="PeakLevel">Highest level reached.</param>
public sealed record DisruptionEpisode(SeriesKey Series, DateTimeOffset OpenedAt, DateTimeOffset? DisruptedAt, DateTimeOffset? ClosedAt, DisruptionLevel PeakLevel);
