using Outage.Detection.Evaluation;
using Outage.Detection.Replay;

namespace Outage.Detection.Tests;

public class EvaluationTests
{
    private static readonly DateTimeOffset T0 = new(2015, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset[] Rows(int n) => Enumerable.Range(0, n).Select(i => T0.AddMinutes(5 * i)).ToArray();

    [Fact]
    public void ScoresLikeNab()
    {
        // 1,000 rows: probation is the first 150. One window over rows 400-499 found at its first row, one over rows
        // 700-799 missed, a false positive at row 300 (before any window: full cost) and one at row 510 (just after a
        // window: cheap). Figures by NAB's formulas.
        var rows = Rows(1000);
        var detected = new bool[1000];
        detected[100] = true;  // in probation: ignored
        detected[300] = true;
        detected[400] = true;
        detected[450] = true;  // a later detection in the same window counts for nothing
        detected[510] = true;
        var windows = new[]
        {
            new LabelledWindow(rows[400], rows[499], rows[450]),
            new LabelledWindow(rows[700], rows[799], rows[750]),
        };

        var score = NabScorer.Score("f.csv", rows, detected, windows, NabProfile.Standard);

        static double Sigma(double y) => 2 / (1 + Math.Exp(5 * y)) - 1;
        var found = Sigma(-(499 - 400 + 1) / 100.0) / Sigma(-1);
        var falsePositives = -0.11 + 0.11 * Sigma((510 - 499) / 99.0);
        Assert.Equal(found - 1 + falsePositives, score.RawScore, 9);
        Assert.Equal(2, score.FalsePositives.Count);
        Assert.Equal(TimeSpan.FromMinutes(-250), score.Windows[0].DelayFromLabel);
        Assert.False(score.Windows[1].Found);
        var total = new NabScore(NabProfile.Standard, [score]);
        Assert.Equal(100 * (score.RawScore + 2) / 4, total.Normalised, 9);
    }

    [Fact]
    public void WindowsAreReadInNabsLayoutWithTheirLabels()
    {
        var folder = Directory.CreateTempSubdirectory().FullName;
        File.WriteAllText(Path.Combine(folder, "combined_windows.json"),
            """{ "realTweets/a.csv": [["2015-03-01 00:00:00.000000", "2015-03-01 10:00:00.000000"]] }""");
        File.WriteAllText(Path.Combine(folder, "combined_labels.json"), """{ "realTweets/a.csv": ["2015-03-01 02:00:00"] }""");

        var labels = LabelledWindows.Read(Path.Combine(folder, "combined_windows.json"));

        var window = Assert.Single(labels.For("realTweets/a.csv")!);
        Assert.Equal(T0.AddHours(2), window.Label);
        Assert.Same(labels.For("realTweets/a.csv"), labels.For("a.csv"));
        Assert.Null(labels.For("b.csv"));
    }

    [Fact]
    public void MalformedWindowsNameTheFileAndEntry()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory().FullName, "w.json");
        File.WriteAllText(path, """{ "x.csv": [["2015-03-01 00:00:00", "not a time"]] }""");

        var error = Assert.Throws<InvalidDataException>(() => LabelledWindows.Read(path));

        Assert.Contains("x.csv", error.Message);
        Assert.Contains("not a time", error.Message);
    }

    [Fact]
    public void LeaveOneOutChoosesOnTheOtherFilesOnly()
    {
        // Two files with a 40x surge each; a grid of a setting that hides them (huge minimum excess) and the default.
        var series = new[] { Series("a.csv", 1), Series("b.csv", 2) };
        var grid = new Dictionary<string, IReadOnlyList<string>> { ["MinExcessReports"] = ["100000", "8"] };

        var folds = Evaluator.LeaveOneOut(series, new DetectorSettings(), grid, NabProfile.Standard);

        Assert.All(folds, f => Assert.Equal("8", f.Chosen["MinExcessReports"]));
        Assert.All(folds, f => Assert.True(f.Score.Windows[0].Found));
    }

    [Fact]
    public void UnknownSettingsAreRefusedByName()
    {
        var error = Assert.Throws<ArgumentException>(() => Evaluator.Apply(new DetectorSettings(), new Dictionary<string, string> { ["Nope"] = "1" }));

        Assert.Contains("Nope", error.Message);
    }

    /// <summary>Every kind of setting can be set: integers, numbers and durations (an integer setting used to fail).</summary>
    [Fact]
    public void IntegerNumberAndDurationSettingsAllApply()
    {
        var settings = Evaluator.Apply(new DetectorSettings(), new Dictionary<string, string>
        {
            ["MinDistinctReporters"] = "5",
            ["CusumShift"] = "3.5",
            ["RecoveryDuration"] = "01:00:00",
        });

        Assert.Equal(5, settings.MinDistinctReporters);
        Assert.Equal(3.5, settings.CusumShift);
        Assert.Equal(TimeSpan.FromHours(1), settings.RecoveryDuration);
    }

    private static LabelledSeries Series(string name, int seed)
    {
        var sampler = new Simulation.CountSampler(seed);
        var rows = Rows(4000);
        var counts = rows.Select((t, i) => sampler.NegativeBinomial(30 * (i is >= 3000 and < 3006 ? 40 : 1), 0.05)).ToArray();
        var data = rows.Select((t, i) => new CountRow(t, t.ToString("yyyy-MM-dd HH:mm:ss"), counts[i])).ToArray();
        return new LabelledSeries(name, data, [new LabelledWindow(rows[2900], rows[3100], rows[3000])]);
    }
}
