using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Outage.Bench;
using Outage.Contracts.V1;

// A closed-loop load generator for ReportIntakeService: N connections, each sending batches of unique
// reports (distinct devices) back to back for a fixed duration, with a progress line every second.
var server = new Option<string>("--server") { DefaultValueFactory = _ => "http://127.0.0.1:5080", Description = "gRPC address." };
var connections = new Option<int>("--connections") { DefaultValueFactory = _ => 8, Description = "HTTP/2 connections (one closed loop each)." };
var batch = new Option<int>("--batch") { DefaultValueFactory = _ => 100, Description = "Reports per SubmitReports call (1 = unary SubmitReport)." };
var seconds = new Option<double>("--seconds") { DefaultValueFactory = _ => 20, Description = "Duration of the measurement." };
var series = new Option<int>("--series") { DefaultValueFactory = _ => 50, Description = "Distinct (service, region) series the reports spread over." };
var json = new Option<string?>("--json") { Description = "Append the result as one JSON line to this file." };
var total = new Option<long>("--reports") { DefaultValueFactory = _ => 0, Description = "Stop after this many reports (0: run for --seconds)." };
var name = new Option<string>("--name") { DefaultValueFactory = _ => "load", Description = "Name of the measurement in the output." };
var root = new RootCommand("Outage load generator (closed loop).") { server, connections, batch, seconds, series, total, json, name };
root.SetAction(async (parse, ct) =>
{
    var address = parse.GetValue(server)!;
    var batchSize = parse.GetValue(batch);
    var duration = TimeSpan.FromSeconds(parse.GetValue(seconds));
    var keys = LoadShape.SeriesKeys(parse.GetValue(series));
    var run = Guid.NewGuid().ToString("N")[..8];
    var limit = parse.GetValue(total);
    long sent = 0, failed = 0, sequence = 0;
    var latencies = new List<double>[parse.GetValue(connections)];
    var clock = Stopwatch.StartNew();
    using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
    stop.CancelAfter(duration);
    var progress = Task.Run(async () =>
    {
        long last = 0;
        while (!stop.IsCancellationRequested)
        {
            await Task.Delay(1000, CancellationToken.None);
            var now = Interlocked.Read(ref sent);
            Console.Error.Write($"\r{clock.Elapsed.TotalSeconds,5:0}s  {now,12:N0} reports  {now - last,10:N0}/s  failed calls {Interlocked.Read(ref failed)}   ");
            last = now;
        }

        Console.Error.WriteLine();
    });
    var workers = Enumerable.Range(0, latencies.Length).Select(w => Task.Run(async () =>
    {
        latencies[w] = [];
        using var channel = GrpcChannel.ForAddress(address);
        var client = new ReportIntakeService.ReportIntakeServiceClient(channel);
        var timer = new Stopwatch();
        while (!stop.IsCancellationRequested)
        {
            var request = new SubmitReportsRequest();
            for (var i = 0; i < batchSize; i++)
            {
                var n = Interlocked.Increment(ref sequence);
                if (limit > 0 && n > limit)
                {
                    stop.Cancel(); // every report of a fixed count is handed out
                    break;
                }

                request.Reports.Add(LoadShape.NewReport(run, n, keys[n % keys.Length]));
            }

            if (request.Reports.Count == 0)
            {
                break;
            }

            timer.Restart();
            try
            {
                if (request.Reports.Count == 1)
                {
                    await client.SubmitReportAsync(new SubmitReportRequest { Report = request.Reports[0] }, deadline: DateTime.UtcNow.AddSeconds(30));
                }
                else
                {
                    await client.SubmitReportsAsync(request, deadline: DateTime.UtcNow.AddSeconds(30));
                }

                latencies[w].Add(timer.Elapsed.TotalMilliseconds);
                Interlocked.Add(ref sent, request.Reports.Count);
            }
            catch (RpcException e)
            {
                if (Interlocked.Increment(ref failed) == 1)
                {
                    Console.Error.WriteLine($"first failure: {e.StatusCode}: {e.Status.Detail}");
                }
            }
        }
    })).ToArray();
    await Task.WhenAll(workers);
    await progress;
    var all = latencies.SelectMany(l => l).Order().ToArray();
    double Quantile(double q) => all.Length == 0 ? 0 : all[Math.Clamp((int)Math.Ceiling(q * all.Length) - 1, 0, all.Length - 1)];
    var result = new
    {
        name = parse.GetValue(name), shape = batchSize == 1 ? "unary" : $"batch{batchSize}", connections = latencies.Length,
        reports = sent, seconds = clock.Elapsed.TotalSeconds, reports_per_s = sent / clock.Elapsed.TotalSeconds,
        p50_ms = Quantile(0.5), p99_ms = Quantile(0.99), failed_calls = failed,
    };
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{result.name}: {result.reports:N0} reports in {result.seconds:0.0} s = {result.reports_per_s:N0} reports/s; call p50 {result.p50_ms:0.0} ms, p99 {result.p99_ms:0.0} ms; {failed} failed calls"));
    if (parse.GetValue(json) is { } path)
    {
        await File.AppendAllTextAsync(path, JsonSerializer.Serialize(result) + Environment.NewLine, CancellationToken.None);
    }

    return failed == 0 ? 0 : 1;
});
return await root.Parse(args).InvokeAsync();
