using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Outage.Host.Public;

namespace Outage.Host.Tests;

/// <summary>
/// Where the report button places a person: edge header, then a MaxMind-format country database (read by the real
/// MaxMind.GeoIP2 reader from a file written here to the MaxMind DB spec), then the person's choice.
/// </summary>
public sealed class ReporterRegionTests : IDisposable
{
    private readonly string _database = Path.Combine(Path.GetTempPath(), $"outage-country-{Guid.NewGuid():N}.mmdb");

    public ReporterRegionTests() => File.WriteAllBytes(_database, TinyCountryDatabase.Build(IPAddress.Parse("203.0.113.0"), 24, "NZ"));

    public void Dispose() => File.Delete(_database);

    private static HttpContext Request(string address, string? header = null)
    {
        var http = new DefaultHttpContext();
        http.Connection.RemoteIpAddress = IPAddress.Parse(address);
        if (header is not null)
        {
            http.Request.Headers["CF-IPCountry"] = header;
        }

        return http;
    }

    [Fact]
    public void TheDatabasePlacesAnAddressItHoldsAndTheEdgeHeaderComesFirst()
    {
        using var regions = new ReporterRegion(Options.Create(new PublicPageOptions { RegionHeader = "CF-IPCountry", CountryDatabase = _database }));
        Assert.Equal(("NZ", ReporterRegion.Source.Database), regions.Locate(Request("203.0.113.7")));
        Assert.Equal(("NZ", ReporterRegion.Source.Database), regions.Locate(Request("::ffff:203.0.113.200")));
        Assert.Equal(("", ReporterRegion.Source.Choice), regions.Locate(Request("198.51.100.1")));
        Assert.Equal(("FR", ReporterRegion.Source.Edge), regions.Locate(Request("203.0.113.7", "fr")));
        // Cloudflare's "unknown" and "Tor" are not countries: the database decides.
        Assert.Equal(("NZ", ReporterRegion.Source.Database), regions.Locate(Request("203.0.113.7", "XX")));
        Assert.Equal(("NZ", ReporterRegion.Source.Database), regions.Locate(Request("203.0.113.7", "T1")));
    }

    [Fact]
    public void WithNeitherSourceThePersonChooses()
    {
        using var regions = new ReporterRegion(Options.Create(new PublicPageOptions()));
        Assert.Equal(("", ReporterRegion.Source.Choice), regions.Locate(Request("203.0.113.7", "FR")));
    }
}

/// <summary>
/// A MaxMind DB (https://maxmind.github.io/MaxMind-DB/) of one IPv4 network and its country: a binary search tree of
/// 24-bit records, the data section, and the metadata map. Enough for MaxMind's reader to answer a country lookup.
/// </summary>
internal static class TinyCountryDatabase
{
    public static byte[] Build(IPAddress network, int prefix, string isoCode)
    {
        var bits = network.GetAddressBytes();
        var nodes = prefix;
        var output = new MemoryStream();
        for (var i = 0; i < nodes; i++)
        {
            var bit = (bits[i / 8] >> (7 - (i % 8))) & 1;
            // The path's next node, or at the last bit the data (at offset 0 of the data section: nodes + 16 + 0).
            var onPath = i == nodes - 1 ? nodes + 16 : i + 1;
            var (left, right) = bit == 0 ? (onPath, nodes) : (nodes, onPath);
            Record(output, left);
            Record(output, right);
        }

        output.Write(new byte[16]); // the data section separator
        Map(output, 1);
        Text(output, "country");
        Map(output, 1);
        Text(output, "iso_code");
        Text(output, isoCode);

        output.Write([0xAB, 0xCD, 0xEF, .. Encoding.ASCII.GetBytes("MaxMind.com")]);
        Map(output, 9);
        Text(output, "node_count");
        Unsigned(output, 6, (ulong)nodes);
        Text(output, "record_size");
        Unsigned(output, 5, 24);
        Text(output, "ip_version");
        Unsigned(output, 5, 4);
        Text(output, "database_type");
        Text(output, "GeoLite2-Country");
        Text(output, "languages");
        output.Write([0x00, 11 - 7]); // an empty array (extended type 11)
        Text(output, "binary_format_major_version");
        Unsigned(output, 5, 2);
        Text(output, "binary_format_minor_version");
        Unsigned(output, 5, 0);
        Text(output, "build_epoch");
        var epoch = BitConverter.GetBytes((ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds()).Reverse().SkipWhile(b => b == 0).ToArray();
        output.Write([(byte)epoch.Length, 9 - 7, .. epoch]); // uint64 (extended type 9)
        Text(output, "description");
        Map(output, 0);
        return output.ToArray();
    }

    private static void Record(Stream output, int value) => output.Write([(byte)(value >> 16), (byte)(value >> 8), (byte)value]);

    private static void Map(Stream output, int entries) => output.WriteByte((byte)((7 << 5) | entries));

    private static void Text(Stream output, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        output.WriteByte((byte)((2 << 5) | bytes.Length)); // every string here is under 29 bytes
        output.Write(bytes);
    }

    private static void Unsigned(Stream output, int type, ulong value)
    {
        var bytes = BitConverter.GetBytes(value).Reverse().SkipWhile(b => b == 0).ToArray();
        output.WriteByte((byte)((type << 5) | bytes.Length));
        output.Write(bytes);
    }
}
