using System.Net;
using System.Text.Json.Serialization;
using Outage.Detection;

namespace Outage.Host.Public;

/// <summary>
/// A service's state as a badge to embed: an SVG in the flat style of Shields.io ("facebook | outage" in the level's
/// colour), or the JSON of a Shields.io endpoint badge for sites that draw theirs through Shields.
/// </summary>
public static class StatusBadge
{
    /// <summary>The page's level colours (app.css), dark enough for white text (WCAG AA on 11 px bold is not claimed; 4.5:1 is met).</summary>
    public static string Colour(DisruptionLevel level) => level switch
    {
        DisruptionLevel.Outage => "#cf222e",
        DisruptionLevel.Disrupted => "#bc4c00",
        DisruptionLevel.Elevated => "#7d4e00",
        _ => "#1a7f37",
    };

    /// <summary>The badge as SVG, with a title and an accessible name for screen readers.</summary>
    public static string Svg(ServiceSummary summary)
    {
        var label = summary.Label.ToLowerInvariant();
        var message = summary.Message;
        var labelWidth = TextWidth(label) + 10;
        var messageWidth = TextWidth(message) + 10;
        var width = labelWidth + messageWidth;
        var text = WebUtility.HtmlEncode($"{label}: {message}");
        return $"""
            <svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" role="img" aria-label="{text}">
            <title>{text}</title>
            <linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>
            <clipPath id="r"><rect width="{width}" height="20" rx="3" fill="#fff"/></clipPath>
            <g clip-path="url(#r)"><rect width="{labelWidth}" height="20" fill="#555"/><rect x="{labelWidth}" width="{messageWidth}" height="20" fill="{Colour(summary.Level)}"/><rect width="{width}" height="20" fill="url(#s)"/></g>
            <g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">
            <text x="{labelWidth / 2.0:0.#}" y="14">{WebUtility.HtmlEncode(label)}</text><text x="{labelWidth + messageWidth / 2.0:0.#}" y="14">{WebUtility.HtmlEncode(message)}</text>
            </g>
            </svg>
            """;
    }

    /// <summary>The Shields.io endpoint badge (https://shields.io/badges/endpoint-badge) for the same state.</summary>
    public static ShieldsEndpoint Shields(ServiceSummary summary) =>
        new(1, summary.Label.ToLowerInvariant(), summary.Message, Colour(summary.Level).TrimStart('#'));

    /// <summary>
    /// Text width in pixels at Verdana 11 px, from a coarse per-character table: the badge need not be exact, only wide
    /// enough never to clip (Shields measures each glyph; the table errs on the wide side).
    /// </summary>
    internal static int TextWidth(string text)
    {
        var width = 0.0;
        foreach (var c in text)
        {
            width += c switch
            {
                'i' or 'j' or 'l' or '.' or ',' or ':' or ';' or '|' or '!' or '\'' => 3.5,
                'f' or 't' or 'r' or ' ' or '(' or ')' or '-' => 4.8,
                'm' or 'w' or 'M' or 'W' => 10.5,
                >= 'A' and <= 'Z' => 7.8,
                _ => 7.0,
            };
        }

        return (int)Math.Ceiling(width);
    }
}

/// <summary>The JSON a Shields.io endpoint badge reads.</summary>
/// <param name="SchemaVersion">Always 1.</param>
/// <param name="Label">The left-hand text: the service.</param>
/// <param name="Message">The right-hand text: the level.</param>
/// <param name="Color">The level's colour, hex without '#'.</param>
public sealed record ShieldsEndpoint(
    [property: JsonPropertyName("schemaVersion")] int SchemaVersion,
    [property: JsonPropertyName("label")] string Label,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("color")] string Color);
