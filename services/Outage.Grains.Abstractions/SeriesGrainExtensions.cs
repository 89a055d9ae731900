using Outage.Detection;

namespace Outage.Grains.Abstractions;

/// <summary>Reaching a series grain by its key, so that no caller builds the grain key text itself.</summary>
public static class SeriesGrainExtensions
{
    /// <summary>The grain of <paramref name="series"/>.</summary>
    public static ISeriesGrain GetSeries(this IGrainFactory grains, SeriesKey series) => grains.GetGrain<ISeriesGrain>(series.ToString());
}
