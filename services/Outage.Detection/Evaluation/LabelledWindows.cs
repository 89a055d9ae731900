using System.Globalization;
using System.Text.Json;

namespace Outage.Detection.Evaluation;

/// <summary>Labelled windows per data file, in NAB's <c>combined_windows.json</c> layout.</summary>
/// <remarks>
/// The layout is an object whose keys are data files relative to the data folder (<c>realTweets/Twitter_volume_FB.csv</c>)
/// and whose values are lists of <c>[start, end]</c> timestamp pairs. NAB's <c>combined_labels.json</c> (the same keys,
/// lists of timestamps), when found beside it, names the labelled point of each window.
/// </remarks>
public sealed class LabelledWindows
{
    private static readonly string[] Formats = ["yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mm:ssK"];
    private readonly Dictionary<string, IReadOnlyList<LabelledWindow>> _byKey;

    private LabelledWindows(Dictionary<string, IReadOnlyList<LabelledWindow>> byKey) => _byKey = byKey;

    /// <summary>The data files that have labels, as written in the file.</summary>
    public IEnumerable<string> Keys => _byKey.Keys;

    /// <summary>Reads a windows file, and the label points beside it when there are any.</summary>
    /// <exception cref="InvalidDataException">The file is not in the layout; the message names the file and the entry.</exception>
    public static LabelledWindows Read(string windowsPath)
    {
        var points = new Dictionary<string, List<DateTimeOffset>>(StringComparer.Ordinal);
        var labelsPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(windowsPath))!, "combined_labels.json");
        if (File.Exists(labelsPath) && !Path.GetFullPath(labelsPath).Equals(Path.GetFullPath(windowsPath), StringComparison.Ordinal))
        {
            using var labels = Parse(labelsPath);
            foreach (var entry in labels.RootElement.EnumerateObject())
            {
                points[entry.Name] = entry.Value.EnumerateArray().Select(t => Timestamp(labelsPath, entry.Name, t)).Order().ToList();
            }
        }

        using var document = Parse(windowsPath);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"{windowsPath}: expected an object of data file → [[start, end], ...]");
        }

        var byKey = new Dictionary<string, IReadOnlyList<LabelledWindow>>(StringComparer.Ordinal);
        foreach (var entry in document.RootElement.EnumerateObject())
        {
            var windows = new List<LabelledWindow>();
            foreach (var pair in entry.Value.EnumerateArray())
            {
                if (pair.ValueKind != JsonValueKind.Array || pair.GetArrayLength() != 2)
                {
                    throw new InvalidDataException($"{windowsPath}: {entry.Name}: a window must be [start, end]");
                }

                var start = Timestamp(windowsPath, entry.Name, pair[0]);
                var end = Timestamp(windowsPath, entry.Name, pair[1]);
                if (end < start)
                {
                    throw new InvalidDataException($"{windowsPath}: {entry.Name}: window ends before it starts ({pair})");
                }

                var label = points.GetValueOrDefault(entry.Name)?.FirstOrDefault(p => p >= start && p <= end);
                windows.Add(new LabelledWindow(start, end, label is { } l && l != default ? l : start + (end - start) / 2));
            }

            byKey[entry.Name] = windows.OrderBy(w => w.Start).ToArray();
        }

        return new LabelledWindows(byKey);
    }

    /// <summary>
    /// The windows of a data file: the entry whose key is the file's path relative to the data folder, or failing that
    /// the one entry whose key ends with the file's name; null when the file has no entry.
    /// </summary>
    public IReadOnlyList<LabelledWindow>? For(string relativePath) => Find(relativePath)?.Windows;

    /// <summary>As <see cref="For"/>, with the key of the entry that matched (the name NAB reports the file by).</summary>
    public (string Key, IReadOnlyList<LabelledWindow> Windows)? Find(string relativePath)
    {
        var key = relativePath.Replace('\\', '/');
        if (_byKey.TryGetValue(key, out var windows))
        {
            return (key, windows);
        }

        var name = Path.GetFileName(key);
        var matches = _byKey.Where(e => e.Key.EndsWith("/" + name, StringComparison.Ordinal) || e.Key == name).ToList();
        return matches.Count == 1 ? (matches[0].Key, matches[0].Value) : null;
    }

    private static JsonDocument Parse(string path)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not JSON ({e.Message})", e);
        }
    }

    private static DateTimeOffset Timestamp(string path, string key, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParseExact(value.GetString(), Formats, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
        {
            return t;
        }

        throw new InvalidDataException($"{path}: {key}: '{value}' is not a timestamp");
    }
}
