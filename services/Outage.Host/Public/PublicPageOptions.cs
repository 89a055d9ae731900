namespace Outage.Host.Public;

/// <summary>The status page's own endpoints (the report button), bound from <c>Outage:PublicPage</c>.</summary>
public sealed class PublicPageOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Outage:PublicPage";

    /// <summary>
    /// A request header set by a trusted edge with the client's ISO country, such as <c>CF-IPCountry</c> behind
    /// Cloudflare; empty (the default) when no edge sets one. Only configure it when the edge overwrites the header: a
    /// client can send any header it likes.
    /// </summary>
    public string RegionHeader { get; set; } = "";

    /// <summary>A MaxMind-format country database (GeoLite2-Country or DB-IP's, <c>.mmdb</c>) to place the client's address; empty for none.</summary>
    public string CountryDatabase { get; set; } = "";

    /// <summary>Origins besides the page's own that may post reports (such as the public name behind a proxy that rewrites Host).</summary>
    public List<string> AllowedOrigins { get; set; } = [];

    /// <summary>Reports a minute one client address may post from the page (many people share an address behind a carrier's NAT).</summary>
    public int ReportsPerMinutePerAddress { get; set; } = 60;

    /// <summary>Reports (and e-mail sign-ups) a minute one device (its cookie, else its address and browser) may post from the page.</summary>
    public int ReportsPerMinutePerDevice { get; set; } = 6;

    /// <summary>E-mail subscriptions the page's "notify me" form may hold in all (confirmed or waiting for confirmation).</summary>
    public int MaxEmailSubscriptions { get; set; } = 10_000;
}
