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
        var server = ServiceClient.ServerOption();
        server.DefaultValueFactory = null;
        server.Description = "Drive a running Outage service at this gRPC address instead of writing files.";
        var speed = new Option<double>("--speed") { Description = "With --server: simulated minutes per real minute (match the service's Outage:Clock:Speed).", DefaultValueFactory = _ => 60 };
        var scale = new Option<double>("--scale") { Description = "With --server: multiply report volumes by this factor.", DefaultValueFactory = _ => 1 };
        var warmUp = new Option<double>("--warm-up-minutes") { Description = "With --server: simulated normal traffic before the first incident.", DefaultValueFactory = _ => 120 };
        var command = new Command("simulate", "Generate a scenario's report counts (daily rhythm, noise, injected incidents with ground truth) into files, or drive a running service with them.")
        {
            scenario, output, list, server, speed, scale, warmUp,
        };
        scenario.Required = false;
        output.Required = false;
        command.SetAction(async (parse, ct) =>
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
            var address = parse.GetValue(server);
            if (name is null || (folder is null) == (address is null))
            {
                Console.Error.WriteLine("outage simulate: give --scenario and either --output DIR or --server URL (or --list)");
                return 2;
            }

            if (address is null)
            {
                return Write(name, folder!);
            }

            if (ScenarioCatalog.Find(name) is not { } found)
            {
                Console.Error.WriteLine($"outage simulate: unknown scenario '{name}'; known: {string.Join(", ", ScenarioCatalog.All.Select(s => s.Name))}");
                return 2;
            }

            if (parse.GetValue(speed) is <= 0 or > 3600 || parse.GetValue(scale) is <= 0 or > 100)
            {
                Console.Error.WriteLine("outage simulate: --speed must be in (0, 3600] and --scale in (0, 100]");
                return 2;
            }

            return await ServiceClient.Run(address, async () =>
            {
                var code = await SimulateDriver.RunAsync(found, address, parse.GetValue(speed), parse.GetValue(scale), TimeSpan.FromMinutes(parse.GetValue(warmUp)), ct);
                if (code != 0)
                {
                    throw new Grpc.Core.RpcException(new Grpc.Core.Status(Grpc.Core.StatusCode.InvalidArgument, "some simulated reports were rejected"));
                }
            });
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
