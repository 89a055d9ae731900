using System.Security.Cryptography;
using System.Text;
using Microsoft.Net.Http.Headers;

namespace Outage.Host.Public;

/// <summary>
/// Responses for embeds and feed readers, which poll: a strong ETag of the body, <c>Cache-Control: public, max-age</c>,
/// and <c>304 Not Modified</c> when the request's <c>If-None-Match</c> names the current body.
/// </summary>
internal static class HttpCaching
{
    /// <summary>The body, or 304 when the client already holds it.</summary>
    public static IResult Cached(HttpContext http, string body, string contentType, TimeSpan maxAge)
    {
        var etag = new EntityTagHeaderValue("\"" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body)).AsSpan(0, 12)) + "\"");
        var headers = http.Response.GetTypedHeaders();
        headers.ETag = etag;
        headers.CacheControl = new CacheControlHeaderValue { Public = true, MaxAge = maxAge };
        var held = http.Request.GetTypedHeaders().IfNoneMatch;
        return held.Any(h => h.Tag == etag.Tag || h.Tag == "*")
            ? Results.StatusCode(StatusCodes.Status304NotModified)
            : Results.Text(body, contentType, Encoding.UTF8);
    }
}
