namespace Outage.Detection;

/// <summary>Identifies a series: the reports of one service in one region. Its text form is the series grain's key.</summary>
/// <param name="ServiceId">Service id from the catalog, such as <c>facebook</c>.</param>
/// <param name="Region">ISO 3166-1 alpha-2 country, ISO 3166-2 subdivision, or empty for the service worldwide.</param>
public readonly record struct SeriesKey(string ServiceId, string Region)
{
    /// <summary>True for the service worldwide (the region is empty).</summary>
    public bool IsWorldwide => Region.Length == 0;

    /// <summary>The key's text form: <c>service/region</c>, or <c>service</c> for worldwide.</summary>
    public override string ToString() => Region.Length == 0 ? ServiceId : $"{ServiceId}/{Region}";

    /// <summary>Reads a key written by <see cref="ToString"/>: the service before the first '/', the region after it.</summary>
    public static SeriesKey Parse(string key)
    {
        var slash = key.IndexOf('/');
        return slash < 0 ? new SeriesKey(key, "") : new SeriesKey(key[..slash], key[(slash + 1)..]);
    }
}
