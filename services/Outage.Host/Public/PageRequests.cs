namespace Outage.Host.Public;

/// <summary>
/// What every POST of the status page's own endpoints (the report button, the e-mail form) goes through: the page's
/// origin only, JSON only, the body read or a problem response, field violations named as the page names its fields,
/// and the country-level rule for a region the person chose.
/// </summary>
internal static class PageRequests
{
    /// <summary>
    /// The body of a POST from the page, or the refusal: another origin (403: the Origin header names the page's own
    /// origin or a configured one), not JSON (415: a cross-site form cannot send JSON without a preflight, which the
    /// host never grants), or not readable as <typeparamref name="T"/> (400).
    /// </summary>
    public static async Task<(T? Body, IResult? Refused)> ReadAsync<T>(HttpContext http, PublicPageOptions options, string what)
    {
        if (!SameOrigin(http, options))
        {
            return (default, Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: $"Cross-origin {what} refused",
                detail: "This endpoint serves the status page itself; other clients use the outage.v1 API."));
        }

        if (!http.Request.HasJsonContentType())
        {
            return (default, Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "JSON only", detail: $"Send the {what} as application/json."));
        }

        try
        {
            return (await http.Request.ReadFromJsonAsync<T>(http.RequestAborted), null);
        }
        catch (System.Text.Json.JsonException e)
        {
            return (default, Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: $"Not a {what}", detail: e.Message));
        }
    }

    /// <summary>Field violations as a problem response, fields named as the page's JSON names them ("report.service_id" is "serviceId").</summary>
    public static IResult FieldProblem(IEnumerable<(string Field, string Description)> violations, Func<string, string> rename) =>
        Results.ValidationProblem(violations.GroupBy(v => rename(v.Field)).ToDictionary(g => g.Key, g => g.Select(v => v.Description).ToArray()));

    /// <summary>True when the request comes from the page's own origin (or one configured), as the browser says in Origin.</summary>
    private static bool SameOrigin(HttpContext http, PublicPageOptions options)
    {
        var origin = http.Request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            // Every browser sends Origin on a POST from script; a request without one is not from the page.
            return false;
        }

        var own = $"{http.Request.Scheme}://{http.Request.Host}";
        return string.Equals(origin, own, StringComparison.OrdinalIgnoreCase)
            || options.AllowedOrigins.Contains(origin, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Country level at most: a subdivision chosen on the page ("DE-BY") is cut to its country.</summary>
    public static string CountryLevel(string region) => region.Length > 2 && region[2] == '-' ? region[..2] : region;

    /// <summary>A proto field name as the page's JSON names it: "service_id" is "serviceId".</summary>
    public static string CamelCase(string field) =>
        string.Concat(field.Split('_').Select((part, i) => i == 0 || part.Length == 0 ? part : char.ToUpperInvariant(part[0]) + part[1..]));
}
