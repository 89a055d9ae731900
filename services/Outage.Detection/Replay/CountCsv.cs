using System.Globalization;

namespace Outage.Detection.Replay;

/// <summary>Reads NAB-layout count CSVs (<c>timestamp,value</c> with a header), strictly.</summary>
public static class CountCsv
{
    private static readonly string[] TimestampFormats =
        ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm"];

    /// <summary>Reads every row; throws <see cref="CountCsvException"/> at the first bad line.</summary>
    /// <param name="path">The file, for reading and for error messages.</param>
    /// <remarks>
    /// Rejected: a missing or different header, a timestamp that does not parse, a value that is not a
    /// whole non-negative number (NAB writes whole numbers as <c>12</c> or <c>12.0</c>), a timestamp
    /// not after the previous one (unsorted or duplicate).
    /// </remarks>
    public static IReadOnlyList<CountRow> Read(string path)
    {
        using var reader = new StreamReader(path);
        return Read(reader, path);
    }

    /// <summary>Reads every row from <paramref name="reader"/>; <paramref name="name"/> names the source in errors.</summary>
    public static IReadOnlyList<CountRow> Read(TextReader reader, string name)
    {
        var header = reader.ReadLine();
        if (header is null || !header.Trim().TrimStart('\uFEFF').Equals("timestamp,value", StringComparison.OrdinalIgnoreCase))
        {
            throw new CountCsvException(name, 1, "expected the header 'timestamp,value'");
        }

        var rows = new List<CountRow>();
        var lineNumber = 1;
        DateTimeOffset? previous = null;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            var comma = line.IndexOf(',');
            if (comma < 0 || line.IndexOf(',', comma + 1) >= 0)
            {
                throw new CountCsvException(name, lineNumber, "expected two fields 'timestamp,value'");
            }

            var rawTimestamp = line[..comma].Trim();
            if (!DateTime.TryParseExact(rawTimestamp, TimestampFormats, CultureInfo.InvariantCulture,
                    DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time))
            {
                throw new CountCsvException(name, lineNumber, $"bad timestamp '{Truncate(rawTimestamp)}' (expected yyyy-MM-dd HH:mm:ss)");
            }

            var rawValue = line[(comma + 1)..].Trim();
            if (!double.TryParse(rawValue, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                || double.IsNaN(value) || double.IsInfinity(value))
            {
                throw new CountCsvException(name, lineNumber, $"value '{Truncate(rawValue)}' is not a number");
            }

            if (value < 0 || value != Math.Floor(value) || value > int.MaxValue)
            {
                throw new CountCsvException(name, lineNumber, $"value '{Truncate(rawValue)}' is not a whole non-negative count");
            }

            var timestamp = new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc));
            if (previous is { } p && timestamp <= p)
            {
                throw new CountCsvException(name, lineNumber,
                    timestamp == p ? $"duplicate timestamp {rawTimestamp}" : $"timestamp {rawTimestamp} is before the previous row (rows must be sorted)");
            }

            previous = timestamp;
            rows.Add(new CountRow(timestamp, rawTimestamp, (int)value));
        }

        return rows;
    }

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
