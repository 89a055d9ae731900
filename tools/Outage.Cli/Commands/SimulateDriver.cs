using System.Diagnostics;
using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Outage.Contracts.V1;
using Outage.Detection.Simulation;
using Spectre.Console;

namespace Outage.Cli.Commands;

/// <summary>
/// Drives a running service with a scenario: every simulated minute, each region series' reports are
/// sent as real reports (distinct devices, the scenario's categories) through SubmitReports.
/// </summary>
internal static class SimulateDriver
{
    private const int BatchSize = 1000;

    public static async Task<int> RunAsync(Scenario scenario, string server, double speed, double scale, TimeSpan warmUp, CancellationToken ct)
    {
        var intake = ServiceClient.Intake(server);
        var query = ServiceClient.Query(server);
        var onset = scenario.Incidents.Count > 0 ? scenario.Incidents.Min(i => i.Start) : scenario.End - TimeSpan.FromHours(2);
        var end = scenario.Incidents.Count > 0 ? scenario.Incidents.Max(i => i.End) + TimeSpan.FromMinutes(45) : scenario.End;
        var from = onset - warmUp;
        var minutes = (int)(end - from).TotalMinutes;

        // The service's product clock may run faster than real time (Outage:Clock:Speed): read it once to stamp reports.
        var probe = await query.GetStatusAsync(new GetStatusRequest { ServiceId = scenario.Series[0].Series.ServiceId }, cancellationToken: ct);
        var productAtStart = probe.Status.AssessedTime.ToDateTimeOffset();
        AnsiConsole.MarkupLine($"Simulating [bold]{scenario.Name}[/] against {Markup.Escape(server)}: {minutes} simulated minutes from {from:HH:mm} UTC " +
            $"(onset {onset:HH:mm}) at {speed:0.#}x, volume x{scale:0.##}. Start the service with Outage__Clock__Speed={speed.ToString(CultureInfo.InvariantCulture)} to match.");

        var simulator = new ScenarioSimulator(scenario, TimeSpan.FromMinutes(1));
        var worldSeries = simulator.SeriesKeys.Count(k => k.Region.Length == 0);
        var random = new Random(scenario.Seed);
        var clock = Stopwatch.StartNew();
        long sent = 0, accepted = 0, rejected = 0;
        var minute = 0;
        await AnsiConsole.Progress().AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("simulating", maxValue: minutes);
                foreach (var bucket in simulator.Generate().SkipWhile(b => b.Start < from).TakeWhile(b => b.Start < end))
                {
                    ct.ThrowIfCancellationRequested();
                    var stamp = Timestamp.FromDateTimeOffset(productAtStart + clock.Elapsed * speed);
                    var reports = new List<Report>();
                    for (var i = worldSeries; i < bucket.Series.Count; i++)
                    {
                        var series = bucket.Series[i];
                        foreach (var (category, count) in bucket.Buckets[i].Categories ?? new Dictionary<string, int>())
                        {
                            var scaled = (int)(count * scale) + (random.NextDouble() < count * scale % 1 ? 1 : 0);
                            for (var n = 0; n < scaled; n++)
                            {
                                reports.Add(new Report
                                {
                                    ReportId = Guid.NewGuid().ToString("N"), DeviceId = Guid.NewGuid().ToString("N"), ServiceId = series.ServiceId,
                                    Region = series.Region, Category = Category(series.ServiceId, category), OccurredAt = stamp, Platform = Platform.Android,
                                });
                            }
                        }
                    }

                    var batches = reports.Chunk(BatchSize).Select(async chunk =>
                    {
                        var request = new SubmitReportsRequest();
                        request.Reports.AddRange(chunk);
                        return await intake.SubmitReportsAsync(request, cancellationToken: ct);
                    });
                    foreach (var response in await Task.WhenAll(batches))
                    {
                        accepted += response.Results.Count(r => r.Outcome == ReportOutcome.Accepted);
                        rejected += response.Results.Count(r => r.Outcome == ReportOutcome.Rejected);
                    }

                    sent += reports.Count;
                    minute++;
                    task.Value = minute;
                    task.Description = $"{bucket.Start:HH:mm} UTC (sim) · {sent:N0} sent · {accepted:N0} accepted · {rejected:N0} rejected";
                    var due = TimeSpan.FromSeconds(minute * 60 / speed) - clock.Elapsed;
                    if (due > TimeSpan.Zero)
                    {
                        await Task.Delay(due, ct);
                    }
                }
            });

        AnsiConsole.MarkupLine($"done: {sent:N0} reports sent, {accepted:N0} accepted, {rejected:N0} rejected, in {clock.Elapsed.TotalSeconds:0} s.");
        return rejected == 0 ? 0 : 1;
    }

    /// <summary>The simulator's generic categories mapped onto the catalog's (carriers have no "login").</summary>
    private static string Category(string service, string category) => service switch
    {
        "att" or "verizon" or "tmobile" => category switch { "login" => "no-signal", "feed" => "mobile-internet", "posting" => "calls", _ => "sms" },
        "telegram" => category switch { "feed" => "connection", "posting" => "calls", _ => category },
        "whatsapp" or "messenger" => category switch { "feed" => "app", "posting" => "calls", _ => category },
        "threads" => category == "messages" ? "app" : category,
        _ => category,
    };
}
