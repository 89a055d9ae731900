using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Outage.Detection;
using Outage.Detection.Evaluation;
using Outage.Detection.Replay;
using Spectre.Console;

namespace Outage.Cli.Commands;

/// <summary>
/// <c>outage evaluate DATA --labels combined_windows.json</c>: scores the detector on labelled history, per window and
/// in total (NAB's score), and optionally chooses settings leave-one-file-out.
/// </summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var data = new Argument<string>("data") { Description = "A folder of timestamp,value CSVs (searched recursively; the labels name them relative to it), or one CSV." };
        var labels = new Option<string>("--labels", "-l") { Description = "Labelled windows in NAB's combined_windows.json layout (combined_labels.json beside it names the label points).", Required = true };
        var profile = new Option<string>("--profile") { Description = "NAB cost profile: standard, reward_low_FP_rate or reward_low_FN_rate.", DefaultValueFactory = _ => "standard" };
        var json = new Option<string?>("--json") { Description = "Also write the results as JSON to this file." };
        var set = new Option<string[]>("--set") { Description = "Evaluate with a setting changed: Name=value (repeatable), e.g. FalseAlarmsPer30Days=2.", AllowMultipleArgumentsPerToken = true };
        var grid = new Option<string[]>("--grid") { Description = "Leave-one-file-out: Name=v1,v2,... (repeatable); for each file the best combination on the other files is scored on it. List the shipped value first (ties keep the first).", AllowMultipleArgumentsPerToken = true };
        var command = new Command("evaluate", "Score the detector on labelled history: per window found or missed and how early, false positives, and NAB's score.")
        {
            data, labels, profile, json, set, grid,
        };
        command.SetAction(parse => Run(parse.GetValue(data)!, parse.GetValue(labels)!, parse.GetValue(profile)!, parse.GetValue(json),
            parse.GetValue(set) ?? [], parse.GetValue(grid) ?? []));
        return command;
    }

    private static int Run(string data, string labelsPath, string profileName, string? jsonPath, string[] set, string[] gridSpecs)
    {
        var profile = NabProfile.All.FirstOrDefault(p => p.Name.Equals(profileName, StringComparison.OrdinalIgnoreCase));
        if (profile is null)
        {
            return Fail($"unknown profile '{profileName}' (one of {string.Join(", ", NabProfile.All.Select(p => p.Name))})");
        }

        List<LabelledSeries> series;
        DetectorSettings settings;
        Dictionary<string, IReadOnlyList<string>> grid;
        try
        {
            var labels = LabelledWindows.Read(labelsPath);
            series = Load(data, labels);
            settings = Evaluator.Apply(new DetectorSettings(), Pairs(set).ToDictionary(p => p.Name, p => p.Value));
            grid = Pairs(gridSpecs).ToDictionary(p => p.Name, p => (IReadOnlyList<string>)p.Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
            foreach (var (name, values) in grid)
            {
                foreach (var value in values)
                {
                    Evaluator.Apply(settings, new Dictionary<string, string> { [name] = value });
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or CountCsvException or ArgumentException or IOException)
        {
            return Fail(e.Message);
        }

        if (series.Count == 0)
        {
            return Fail($"no file under {data} has labelled windows in {labelsPath}");
        }

        var score = Evaluator.Evaluate(series, settings, profile);
        PrintWindows(score);
        PrintTotals("this configuration, all files", score);
        IReadOnlyList<Fold>? folds = null;
        if (grid.Count > 0)
        {
            if (series.Count < 2)
            {
                return Fail("--grid needs at least two labelled files");
            }

            AnsiConsole.Progress().AutoClear(true).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .Start(context =>
                {
                    var task = context.AddTask("leave-one-file-out", maxValue: 1);
                    folds = Evaluator.LeaveOneOut(series, settings, grid, profile, (done, all) => task.Value = (double)done / all);
                });
            PrintFolds(folds!, profile);
        }

        if (jsonPath is not null)
        {
            System.IO.File.WriteAllText(jsonPath, JsonSerializer.Serialize(Json(score, folds, profile), new JsonSerializerOptions { WriteIndented = true }));
        }

        return 0;
    }

    private static List<LabelledSeries> Load(string data, LabelledWindows labels)
    {
        var files = Directory.Exists(data)
            ? Directory.EnumerateFiles(data, "*.csv", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(f => (Path: f, Name: Path.GetRelativePath(data, f))).ToList()
            : File.Exists(data) ? [(data, Path.GetFileName(data))] : throw new IOException($"{data}: no such file or folder");
        var series = new List<LabelledSeries>();
        foreach (var (path, name) in files)
        {
            if (labels.Find(name) is { } match)
            {
                series.Add(new LabelledSeries(match.Key, CountCsv.Read(path), match.Windows));
            }
        }

        return series;
    }

    private static IEnumerable<(string Name, string Value)> Pairs(IEnumerable<string> specs) => specs.Select(s =>
    {
        var equals = s.IndexOf('=');
        return equals > 0 ? (s[..equals].Trim(), s[(equals + 1)..].Trim()) : throw new ArgumentException($"'{s}' is not Name=value");
    });

    private static void PrintWindows(NabScore score)
    {
        var table = new Table().Title("Labelled windows").AddColumns("file", "window", "found", "after start", "vs label", "score");
        foreach (var file in score.Files)
        {
            foreach (var w in file.Windows)
            {
                table.AddRow(Markup.Escape(Path.GetFileName(file.File)), $"{w.Window.Start:yyyy-MM-dd HH:mm} → {w.Window.End:MM-dd HH:mm}",
                    !w.Counted ? "probation" : w.Found ? $"[green]{w.Detection:MM-dd HH:mm}[/]" : "[red]missed[/]",
                    Hours(w.DelayFromStart), Hours(w.DelayFromLabel), w.Score.ToString("+0.000;-0.000", CultureInfo.InvariantCulture));
            }

            table.AddRow(Markup.Escape(Path.GetFileName(file.File)), $"{file.FalsePositives.Count} false positives", "", "", "",
                file.FalsePositives.Sum(f => f.Cost).ToString("+0.000;-0.000", CultureInfo.InvariantCulture));
        }

        AnsiConsole.Write(table);
    }

    private static void PrintTotals(string title, NabScore score)
    {
        var table = new Table().Title(title).AddColumns("profile", "windows found", "false positives", "raw", "NAB score");
        table.AddRow(score.Profile.Name, $"{score.WindowsFound} / {score.WindowsCounted}", score.FalsePositives.ToString(CultureInfo.InvariantCulture),
            score.Raw.ToString("0.000", CultureInfo.InvariantCulture), $"[bold]{score.Normalised:0.00}[/]");
        AnsiConsole.Write(table);
    }

    private static void PrintFolds(IReadOnlyList<Fold> folds, NabProfile profile)
    {
        var table = new Table().Title("Leave-one-file-out (settings chosen on the other files, scored on the held-out one)")
            .AddColumns("held out", "chosen", "score on the others", "found", "false positives", "held-out score");
        foreach (var f in folds)
        {
            table.AddRow(Markup.Escape(Path.GetFileName(f.HeldOut)), Markup.Escape(string.Join(" ", f.Chosen.Select(c => $"{c.Key}={c.Value}"))),
                f.TrainingScore.ToString("0.00", CultureInfo.InvariantCulture),
                $"{f.Score.Windows.Count(w => w.Counted && w.Found)} / {f.Score.CountedWindows}", f.Score.FalsePositives.Count.ToString(CultureInfo.InvariantCulture),
                f.Normalised.ToString("0.00", CultureInfo.InvariantCulture));
        }

        var pooled = new NabScore(profile, folds.Select(f => f.Score).ToArray());
        table.AddRow("[bold]mean[/]", "", "", "", "", $"[bold]{folds.Average(f => f.Normalised):0.00}[/]");
        table.AddRow("[bold]pooled[/]", "", "", $"{pooled.WindowsFound} / {pooled.WindowsCounted}", pooled.FalsePositives.ToString(CultureInfo.InvariantCulture), $"[bold]{pooled.Normalised:0.00}[/]");
        AnsiConsole.Write(table);
    }

    private static object Json(NabScore score, IReadOnlyList<Fold>? folds, NabProfile profile) => new
    {
        profile = profile.Name,
        score = Totals(score),
        files = score.Files.Select(FileJson).ToArray(),
        leaveOneOut = folds is null ? null : new
        {
            meanNormalised = folds.Average(f => f.Normalised),
            pooled = Totals(new NabScore(profile, folds.Select(f => f.Score).ToArray())),
            folds = folds.Select(f => new { heldOut = f.HeldOut, chosen = f.Chosen, trainingScore = f.TrainingScore, normalised = f.Normalised, score = FileJson(f.Score) }).ToArray(),
        },
    };

    private static object Totals(NabScore s) => new { normalised = s.Normalised, raw = s.Raw, nullScore = s.Null, perfect = s.Perfect, windowsFound = s.WindowsFound, windows = s.WindowsCounted, falsePositives = s.FalsePositives };

    private static object FileJson(FileScore f) => new
    {
        file = f.File,
        raw = f.RawScore,
        windows = f.Windows.Select(w => new
        {
            start = w.Window.Start, end = w.Window.End, label = w.Window.Label, counted = w.Counted, found = w.Found, detection = w.Detection,
            delayFromStartMinutes = w.DelayFromStart?.TotalMinutes, delayFromLabelMinutes = w.DelayFromLabel?.TotalMinutes, score = w.Score,
        }).ToArray(),
        falsePositives = f.FalsePositives.Select(p => new { at = p.At, cost = p.Cost }).ToArray(),
    };

    private static string Hours(TimeSpan? t) => t is { } d ? $"{d.TotalHours:+0.0;-0.0} h" : "-";

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"outage evaluate: {message}");
        return 2;
    }
}
