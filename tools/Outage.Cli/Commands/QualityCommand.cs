using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Outage.Detection;
using Outage.Detection.Evaluation;
using Outage.Detection.Quality;
using Outage.Detection.Simulation;
using Spectre.Console;

namespace Outage.Cli.Commands;

/// <summary><c>outage quality</c>: the detection quality benchmark over the scenario suite.</summary>
internal static class QualityCommand
{
    public static Command Create()
    {
        var scenarios = new Option<string[]>("--scenario", "-s") { Description = "Scenarios to run (default: all).", AllowMultipleArgumentsPerToken = true };
        var json = new Option<string?>("--json") { Description = "Also write the figures as JSON to this file." };
        var set = new Option<string[]>("--set") { Description = "Run with a detector setting changed: Name=value (repeatable), as for evaluate.", AllowMultipleArgumentsPerToken = true };
        var command = new Command("quality", "Run the detector over the simulated scenarios with ground truth: recall, delay to DISRUPTED, false disruptions per series per 30 days, time to recovery.")
        {
            scenarios, json, set,
        };
        command.SetAction(parse => Run(parse.GetValue(scenarios) ?? [], parse.GetValue(json), parse.GetValue(set) ?? []));
        return command;
    }

    private static int Run(string[] names, string? jsonPath, string[] set)
    {
        List<Scenario?> selected = names.Length == 0 ? [.. ScenarioCatalog.All] : [.. names.Select(ScenarioCatalog.Find)];
        if (selected.Any(s => s is null))
        {
            Console.Error.WriteLine($"outage quality: unknown scenario; known: {string.Join(", ", ScenarioCatalog.All.Select(s => s.Name))}");
            return 2;
        }

        DetectorSettings settings;
        try
        {
            settings = Evaluator.Apply(new DetectorSettings(), set.Select(s => s.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : ""));
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"outage quality: {e.Message}");
            return 2;
        }

        var runs = new List<ScenarioRunResult>();
        AnsiConsole.Progress().AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(context =>
            {
                foreach (var scenario in selected)
                {
                    var task = context.AddTask(scenario!.Name, maxValue: 1);
                    runs.Add(ScenarioRunner.Run(scenario, settings, f => task.Value = f));
                }
            });

        var report = new QualityReport(runs);
        Print(report);
        if (jsonPath is not null)
        {
            File.WriteAllText(jsonPath, JsonSerializer.Serialize(Summary(report), new JsonSerializerOptions { WriteIndented = true }));
        }

        return 0;
    }

    private static void Print(QualityReport report)
    {
        var table = new Table().Title("Injected incidents").AddColumns("scenario", "series", "x", "base/h", "excess", "bar", "found", "delay", "recovered after");
        foreach (var o in report.Outcomes.OrderBy(o => o.Scenario).ThenBy(o => o.Truth.Series.ToString()))
        {
            table.AddRow(o.Scenario, o.Truth.Series.ToString(), F(o.Truth.Multiplier, "0.#"), F(o.Truth.BaselinePerHour, "0.#"),
                F(o.Truth.ExcessReports, "0"), o.Truth.Incident.Collateral ? "collateral" : o.MustBeFound ? "must" : "below",
                o.Found ? "[green]yes[/]" : o.MustBeFound ? "[red]no[/]" : "no", Duration(o.Delay), Duration(o.Recovery));
        }

        AnsiConsole.Write(table);
        var falseTable = new Table().Title("False disruptions").AddColumns("scenario", "series", "disrupted at", "peak");
        foreach (var f in report.FalseDisruptions)
        {
            falseTable.AddRow(f.Scenario, f.Episode.Series.ToString(), f.Episode.DisruptedAt!.Value.ToString("u", CultureInfo.InvariantCulture), f.Episode.PeakLevel.ToString());
        }

        if (report.FalseDisruptions.Count > 0)
        {
            AnsiConsole.Write(falseTable);
        }

        var s = Summary(report);
        var summary = new Table().Title("Summary").AddColumns("measure", "value", "goal");
        summary.AddRow("recall, >= 3x and >= 20 excess reports", $"{s.Recall:P1} ({s.MustFind} incidents)", ">= 100 %");
        summary.AddRow("recall, smaller incidents (reported apart)", $"{s.RecallBelowBar:P1} ({s.BelowBar} incidents)", "-");
        summary.AddRow("delay to DISRUPTED, >= 5x on >= 10/h, median", $"{s.GoalDelayMedianMinutes:0.#} min", "<= 2 min");
        summary.AddRow("delay to DISRUPTED, >= 5x on >= 10/h, p95", $"{s.GoalDelayP95Minutes:0.#} min", "-");
        summary.AddRow("delay to DISRUPTED, all found, median / p95", $"{s.DelayMedianMinutes:0.#} / {s.DelayP95Minutes:0.#} min", "-");
        summary.AddRow("false disruptions per series per 30 days", $"{s.FalseDisruptionsPer30Days:0.###} ({s.FalseDisruptions} in {s.NormalSeriesDays:N0} series-days)", "<= 1");
        summary.AddRow("time to declare recovery after the end, median / p95", $"{s.RecoveryMedianMinutes:0.#} / {s.RecoveryP95Minutes:0.#} min", "-");
        summary.AddRow("buckets stepped / wall time", $"{s.Buckets:N0} in {s.Seconds:0.0} s ({s.Buckets / Math.Max(s.Seconds, 1e-9):N0} per s)", "-");
        summary.AddRow("largest detector state", $"{s.MaxStateBytes:N0} bytes", "<= 2,048");
        AnsiConsole.Write(summary);
    }

    private static QualitySummary Summary(QualityReport r) => new(
        r.Recall, r.Outcomes.Count(o => o.MustBeFound), r.RecallBelowBar, r.Outcomes.Count(o => !o.MustBeFound && !o.Truth.Incident.Collateral),
        Minutes(QualityReport.Quantile(r.GoalDelays, 0.5)), Minutes(QualityReport.Quantile(r.GoalDelays, 0.95)),
        Minutes(QualityReport.Quantile(r.AllDelays, 0.5)), Minutes(QualityReport.Quantile(r.AllDelays, 0.95)),
        r.FalseDisruptionsPer30Days, r.FalseDisruptions.Count, r.NormalSeriesDays,
        Minutes(QualityReport.Quantile(r.Recoveries, 0.5)), Minutes(QualityReport.Quantile(r.Recoveries, 0.95)),
        r.Runs.Sum(x => x.Buckets), r.Runs.Sum(x => x.Elapsed.TotalSeconds), r.Runs.Max(x => x.MaxStateBytes));

    private sealed record QualitySummary(
        double Recall, int MustFind, double RecallBelowBar, int BelowBar,
        double? GoalDelayMedianMinutes, double? GoalDelayP95Minutes, double? DelayMedianMinutes, double? DelayP95Minutes,
        double FalseDisruptionsPer30Days, int FalseDisruptions, double NormalSeriesDays,
        double? RecoveryMedianMinutes, double? RecoveryP95Minutes, long Buckets, double Seconds, int MaxStateBytes);

    private static double? Minutes(TimeSpan? t) => t?.TotalMinutes;

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static string Duration(TimeSpan? t) => t is { } d ? $"{d.TotalMinutes:0.#} min" : "-";
}
