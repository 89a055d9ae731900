using System.Globalization;
using System.Text.Json;

namespace Outage.Detection.Tests;

/// <summary>
/// State saved by an earlier version of the detector must still restore: grains persist it, and a deploy must not
/// forget every series' learned baseline or open incident.
/// </summary>
/// <remarks>
/// <c>Golden/detector-v1.bin</c> was written by the version-1 engine (commit before the detector was split into its
/// parts) and <c>detector-v2.bin</c> by the version-2 engine (commit 0d7e331)
/// from <see cref="GoldenRecipe"/>: three days of a daily rhythm, then a 30x surge left open, so the state holds a
/// learned profile, dispersion, threshold calibration, categories and an open OUTAGE. Each <c>.json</c> holds what that
/// engine said about it at the time.
/// </remarks>
public class GoldenStateTests
{
    private static readonly DetectorSettings Settings = new();
    private static string GoldenPath(string name) => Path.Combine(AppContext.BaseDirectory, "Golden", name);

    /// <summary>The series the golden state was made from.</summary>
    internal static SeriesDetector GoldenRecipe()
    {
        var detector = new SeriesDetector(Settings);
        TestSeries.Run(detector, TestSeries.Start, 3 * 1440, perMinute: 4, seed: 5);
        var surge = TestSeries.Start.AddDays(3);
        var random = new Random(11);
        for (var i = 0; i < 20; i++)
        {
            var count = 100 + random.Next(40);
            var categories = new Dictionary<string, int> { ["login"] = count * 2 / 3, ["feed"] = count - count * 2 / 3 };
            detector.Step(new BucketObservation(surge.AddMinutes(i), count, count, categories));
        }

        return detector;
    }

    [Theory]
    [InlineData("v1")]
    [InlineData("v2")]
    public void StateOfEarlierVersionsStillRestores(string version)
    {
        var saved = File.ReadAllBytes(GoldenPath($"detector-{version}.bin"));
        using var facts = JsonDocument.Parse(File.ReadAllText(GoldenPath($"detector-{version}.json")));
        var root = facts.RootElement;

        var restored = SeriesDetector.Restore(Settings, saved);

        Assert.Equal(DateTimeOffset.Parse(root.GetProperty("lastBucketStart").GetString()!, CultureInfo.InvariantCulture), restored.LastBucketStart);
        Assert.Equal(Enum.Parse<DisruptionLevel>(root.GetProperty("level").GetString()!), restored.Level);
        var next = restored.LastBucketStart!.Value.AddMinutes(1);
        Assert.Equal(root.GetProperty("expectedNext").GetDouble(), restored.Baseline.Expected(next, 1), 6);
        // The open incident carries on: the next surge bucket keeps it open with its onset and categories.
        var step = restored.Step(new BucketObservation(next, 120, 120));
        Assert.Equal(DateTimeOffset.Parse(root.GetProperty("since").GetString()!, CultureInfo.InvariantCulture), step.Explanation.Since);
        Assert.Equal("login", step.Explanation.TopCategories[0].Category);
        Assert.True(step.Level >= DisruptionLevel.Disrupted);
    }

    [Fact]
    public void TheRecipeStillMakesAnOpenOutage()
    {
        var detector = GoldenRecipe();

        Assert.Equal(DisruptionLevel.Outage, detector.Level);
    }

    /// <summary>
    /// Writes the golden files from the engine in the tree. Not a test: it was called once from a scratch test with each
    /// engine whose format was retired, and is kept so the next retired format can be recorded the same way.
    /// </summary>
    internal static void WriteGolden(string folder, string version)
    {
        var detector = GoldenRecipe();
        var next = detector.LastBucketStart!.Value.AddMinutes(1);
        var probe = SeriesDetector.Restore(Settings, detector.Save()).Step(new BucketObservation(next, 120, 120));
        File.WriteAllBytes(Path.Combine(folder, $"detector-{version}.bin"), detector.Save());
        File.WriteAllText(Path.Combine(folder, $"detector-{version}.json"), JsonSerializer.Serialize(new
        {
            lastBucketStart = detector.LastBucketStart!.Value.ToString("O", CultureInfo.InvariantCulture),
            level = detector.Level.ToString(),
            since = probe.Explanation.Since!.Value.ToString("O", CultureInfo.InvariantCulture),
            expectedNext = detector.Baseline.Expected(next, 1),
        }, new JsonSerializerOptions { WriteIndented = true }));
    }
}
