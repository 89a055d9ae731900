using System.Net;
using MaxMind.GeoIP2;
using Microsoft.Extensions.Options;
using Outage.Grains.Abstractions;

namespace Outage.Host.Public;

/// <summary>
/// Where a person pressing the report button is, at country level at most: the trusted edge's header when one is
/// configured, else the country database when one is configured, else the person's own choice (the page presets it from
/// the browser's language). The address is looked up and forgotten: it is never stored.
/// </summary>
public sealed class ReporterRegion : IDisposable
{
    private readonly PublicPageOptions _options;
    private readonly DatabaseReader? _countries;

    public ReporterRegion(IOptions<PublicPageOptions> options)
    {
        _options = options.Value;
        _countries = _options.CountryDatabase.Length > 0 ? new DatabaseReader(_options.CountryDatabase) : null;
    }

    /// <summary>How the region was found.</summary>
    public enum Source
    {
        /// <summary>Nothing placed the client: the person chooses.</summary>
        Choice,

        /// <summary>The trusted edge's header.</summary>
        Edge,

        /// <summary>The country database.</summary>
        Database,
    }

    /// <summary>The client's country from the edge or the database, or empty with <see cref="Source.Choice"/>.</summary>
    public (string Region, Source From) Locate(HttpContext http)
    {
        if (_options.RegionHeader.Length > 0 && Country(http.Request.Headers[_options.RegionHeader].ToString()) is { } fromEdge)
        {
            return (fromEdge, Source.Edge);
        }

        if (_countries is not null && http.Connection.RemoteIpAddress is { } address
            && _countries.TryCountry(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address, out var found)
            && Country(found?.Country.IsoCode) is { } fromDatabase)
        {
            return (fromDatabase, Source.Database);
        }

        return ("", Source.Choice);
    }

    /// <summary>An ISO 3166-1 alpha-2 country in upper case, or null (Cloudflare's "XX" unknown and "T1" Tor are not countries).</summary>
    public static string? Country(string? code) =>
        code is { Length: 2 } && char.IsAsciiLetter(code[0]) && char.IsAsciiLetter(code[1]) && code.ToUpperInvariant() is var upper
        && upper != "XX" && Regions.TryValidate(upper, out _) ? upper : null;

    public void Dispose() => _countries?.Dispose();
}
