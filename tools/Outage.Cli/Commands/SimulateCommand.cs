using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Outage.Detection.Simulation;
using Spectre.Console;

namespace Outage.Cli.Commands;

/// <summary><c>outage simulate --scenario NAME --output DIR</c>: writes a scenario's counts, one NAB-layout CSV per series, and its ground truth.</summary>
internal static class SimulateCommand
{
    public static Command Create()
    {
        var scenario = new Option<string>("--scenario", "-s") { Description = "Scenario name.", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "Folder for one timestamp,value CSV per series and truth.json.", Required = true };
        var list = new Option<bool>("--list") { Description = "List the scenarios and exit." };
        var command = new Command("simulate", "Generate a scenario's report counts (daily rhythm, noise, injected incidents with ground truth).")
        {
            scenario, output, list,
        };
        scenario.Required = false;
        output.Required = false;
        command.SetAction(parse =>
        {
            if (parse.GetValue(list))
            {
                var table = new Table().AddColumns("scenario", "days", "what it shows");
                foreach (var s in ScenarioCatalog.All)
                {
                    table.AddRow(s.Name, s.Duration.TotalDays.ToString("0.#", CultureInfo.InvariantCulture), Markup.Escape(s.Description));
                }

                AnsiConsole.Write(table);
                return 0;
            }

            var name = parse.GetValue(scenario);
            var folder = parse.GetValue(output);
            if (name is null || folder is null)
            {
                Console.Error.WriteLine("outage simulate: --scenario and --output are required (or --list)");
                return 2;
            }

            return Write(name, folder);
        });
        return command;
    }

    private static int Write(string name, string folder)
    {
        if (ScenarioCatalog.Find(name) is not { } scenario)
        {
            Console.Error.WriteLine($"outage simulate: unknown scenario '{name}'; known: {string.Join(", ", ScenarioCatalog.All.Select(s => s.Name))}");
            return 2;
        }

        Directory.CreateDirectory(folder);
        var simulator = new ScenarioSimulator(scenario, TimeSpan.FromMinutes(1));
        var writers = simulator.SeriesKeys.Select(k =>
        {
            var w = new StreamWriter(Path.Combine(folder, $"{k.ServiceId}_{(k.Region.Length == 0 ? "WORLD" : k.Region)}.csv"));
            w.WriteLine("timestamp,value");
            return w;
        }).ToArray();
        var total = scenario.Duration.TotalMinutes;
        AnsiConsole.Progress().AutoClear(false).Start(context =>
        {
            var task = context.AddTask(scenario.Name, maxValue: total);
            foreach (var bucket in simulator.Generate())
            {
                var stamp = bucket.Start.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
                for (var i = 0; i < writers.Length; i++)
                {
                    writers[i].Write(stamp);
                    writers[i].Write(',');
                    writers[i].WriteLine(bucket.Buckets[i].Count.ToString(CultureInfo.InvariantCulture));
                }

                task.Increment(1);
            }
        });
        foreach (var w in writers)
        {
            w.Dispose();
        }

        var truth = simulator.Truth().Select(t => new
        {
            series = t.Series.ToString(), incident = t.Incident.Name, start = t.Incident.Start, end = t.Incident.End,
            multiplier = t.Incident.Multiplier, collateral = t.Incident.Collateral, baselinePerHour = t.BaselinePerHour, excessReports = t.ExcessReports,
        });
        File.WriteAllText(Path.Combine(folder, "truth.json"), JsonSerializer.Serialize(truth, new JsonSerializerOptions { WriteIndented = true }));
        AnsiConsole.MarkupLine($"wrote {writers.Length} series and truth.json to [bold]{Markup.Escape(folder)}[/]");
        return 0;
    }
}
