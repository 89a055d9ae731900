using System.Collections.Frozen;

namespace Outage.Grains.Abstractions;

/// <summary>ISO 3166 regions: countries (alpha-2) and their subdivisions (ISO 3166-2), and the roll-up between them.</summary>
public static class Regions
{
    /// <summary>The worldwide region (the empty string).</summary>
    public const string World = "";

    // ISO 3166-1 alpha-2 officially assigned codes.
    private static readonly FrozenSet<string> Countries = (
        "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ " +
        "CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR " +
        "GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO " +
        "JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR " +
        "MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO " +
        "RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV " +
        "TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW").Split(' ').ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The ISO 3166-1 alpha-2 countries, in order (the status page's country list).</summary>
    public static IReadOnlyList<string> CountryCodes { get; } = Countries.Order(StringComparer.Ordinal).ToArray();

    /// <summary>Countries looked up by a span of the reported region, without a substring per report.</summary>
    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> CountryLookup = Countries.GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly System.Buffers.SearchValues<char> SubdivisionCharacters =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");

    /// <summary>Checks a reported region: a known alpha-2 country, or a country followed by '-' and 1 to 3 letters or digits.</summary>
    /// <param name="region">The region as sent.</param>
    /// <param name="problem">Why it is not valid; null when it is.</param>
    public static bool TryValidate(string region, out string? problem)
    {
        problem = null;
        if (region.Length == 0)
        {
            problem = "is required (ISO 3166-1 alpha-2 such as \"US\", or ISO 3166-2 such as \"US-CA\")";
            return false;
        }

        if (region.Length < 2 || !CountryLookup.Contains(region.AsSpan(0, 2)))
        {
            problem = "must start with an ISO 3166-1 alpha-2 country code in upper case, such as \"US\"";
            return false;
        }

        if (region.Length == 2)
        {
            return true;
        }

        var subdivision = region.Length > 3 && region[2] == '-' ? region.AsSpan(3) : [];
        if (subdivision.Length is < 1 or > 3 || subdivision.ContainsAnyExcept(SubdivisionCharacters))
        {
            problem = "must be ISO 3166-2: the country, '-', and 1 to 3 upper-case letters or digits, such as \"US-CA\"";
            return false;
        }

        return true;
    }

    /// <summary>The region a region rolls up to: subdivision to country, country to world; null for the world.</summary>
    public static string? Parent(string region) => region.Length == 0 ? null : region.Length == 2 ? World : region[..2];
}
