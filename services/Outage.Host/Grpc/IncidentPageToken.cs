using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Outage.Grains.Abstractions;

namespace Outage.Host.Grpc;

/// <summary>
/// ListIncidents' page tokens (AIP-158): where the last page ended (detection time and id, the list's order, so that
/// incidents detected meanwhile do not shift the pages) and the filters it was asked with, opaque to clients.
/// </summary>
internal static class IncidentPageToken
{
    public static string Write(IncidentCursor cursor, string filters) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"1|{cursor.DetectedAt.UtcTicks.ToString(CultureInfo.InvariantCulture)}|{filters}|{cursor.Id}"));

    /// <summary>The cursor of a token made for the same <paramref name="filters"/>, or null.</summary>
    public static IncidentCursor? Read(string token, string filters)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
            var prefix = "1|";
            var ticksEnd = text.IndexOf('|', prefix.Length);
            if (!text.StartsWith(prefix, StringComparison.Ordinal) || ticksEnd < 0
                || !long.TryParse(text.AsSpan(prefix.Length, ticksEnd - prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                || ticks > DateTimeOffset.MaxValue.UtcTicks
                || !text.AsSpan(ticksEnd + 1).StartsWith(filters + "|", StringComparison.Ordinal))
            {
                return null;
            }

            return new IncidentCursor(new DateTimeOffset(ticks, TimeSpan.Zero), text[(ticksEnd + 1 + filters.Length + 1)..]);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
