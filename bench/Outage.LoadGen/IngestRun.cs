using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Outage.Contracts.V1;

namespace Outage.Bench;

/// <summary>What one ingest measurement does.</summary>
internal sealed record IngestSettings(
    string Server, string Shape, int Connections, int Concurrency, int Batch, TimeSpan Duration, double Rate, int Series,
    long Reports, string Name, string Mode, string? Json, TimeSpan Warmup = default);

/// <summary>
/// Closed-loop or fixed-rate ingest over several HTTP/2 connections. Every report is new (new report id,
/// new device), so the product does its full work for each. Latency is per call (per stream for the
/// stream shape); at a fixed rate it counts from the call's scheduled start, so a server that falls
/// behind shows it (no coordinated omission).
/// </summary>
/// <remarks>
/// A warm-up runs in the same process before the measurement, on the same connections: the reports/s of a fresh load
/// generator climb for several seconds (its own code being compiled to its final tier while it sends), so a warm-up in a
/// separate process left that climb inside the measured window. Reports answered during the warm-up, and the latency of
/// calls started during it, are not counted.
/// </remarks>
internal static class IngestRun
{
    public static async Task<int> RunAsync(IngestSettings s, CancellationToken ct)
    {
        var keys = LoadShape.SeriesKeys(s.Series);
        var run = Guid.NewGuid().ToString("N")[..8];
        var perCall = s.Shape == "unary" ? 1 : s.Batch;
        var loops = s.Connections * s.Concurrency;
        // At a fixed rate each loop starts a call every `interval`; closed loop: as soon as the last one ends.
        var interval = s.Rate > 0 ? TimeSpan.FromSeconds(perCall * loops / s.Rate) : TimeSpan.Zero;
        long sent = 0, measured = 0, failed = 0, sequence = 0;
        var latencies = new List<double>[loops];
        var clock = Stopwatch.StartNew();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        stop.CancelAfter(s.Warmup + s.Duration);
        var channels = Enumerable.Range(0, s.Connections).Select(_ => GrpcChannel.ForAddress(s.Server, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = false },
        })).ToArray();

        var progress = Progress.Start(clock, s.Warmup, () => Interlocked.Read(ref sent), () => Interlocked.Read(ref failed), stop.Token);

        var workers = Enumerable.Range(0, loops).Select(w => Task.Run(async () =>
        {
            latencies[w] = [];
            var client = new ReportIntakeService.ReportIntakeServiceClient(channels[w % channels.Length]);
            var next = clock.Elapsed + TimeSpan.FromTicks(interval.Ticks * w / Math.Max(1, loops));
            while (!stop.IsCancellationRequested)
            {
                var reports = new List<Report>(perCall);
                for (var i = 0; i < perCall; i++)
                {
                    var n = Interlocked.Increment(ref sequence);
                    if (s.Reports > 0 && n > s.Reports)
                    {
                        stop.Cancel(); // every report of a fixed count is handed out
                        break;
                    }

                    reports.Add(LoadShape.NewReport(run, n, keys[n % keys.Length]));
                }

                if (reports.Count == 0)
                {
                    break;
                }

                var start = clock.Elapsed;
                if (interval > TimeSpan.Zero)
                {
                    if (next > start)
                    {
                        await Task.Delay(next - start, CancellationToken.None);
                    }

                    start = next; // latency from the scheduled start
                    next += interval;
                }

                try
                {
                    await SendAsync(client, s.Shape, reports);
                    var end = clock.Elapsed;
                    if (start >= s.Warmup)
                    {
                        latencies[w].Add((end - start).TotalMilliseconds);
                    }

                    if (end >= s.Warmup)
                    {
                        Interlocked.Add(ref measured, reports.Count); // throughput: the reports answered in the window
                    }

                    Interlocked.Add(ref sent, reports.Count);
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
        var elapsed = (clock.Elapsed - s.Warmup).TotalSeconds;
        var counted = Interlocked.Read(ref measured);
        await progress;
        foreach (var channel in channels)
        {
            channel.Dispose();
        }

        var calls = Quantiles.Of(latencies.SelectMany(l => l));
        var result = new Dictionary<string, object?>
        {
            ["name"] = s.Name, ["shape"] = s.Shape == "unary" ? "unary" : $"{s.Shape}{s.Batch}", ["mode"] = s.Mode,
            ["connections"] = s.Connections, ["concurrency"] = s.Concurrency, ["rate"] = s.Rate, ["series"] = s.Series,
            ["warmup_seconds"] = s.Warmup.TotalSeconds,
            ["reports"] = counted, ["seconds"] = elapsed, ["reports_per_s"] = counted / elapsed,
            ["p50_ms"] = calls.P50, ["p99_ms"] = calls.P99, ["failed_calls"] = failed,
        };
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{s.Name}: {counted:N0} reports in {elapsed:0.0} s = {counted / elapsed:N0} reports/s; call p50 {calls.P50:0.00} ms, p99 {calls.P99:0.00} ms; {failed} failed calls");
        Console.WriteLine(line);
        if (s.Json is { } path)
        {
            await File.AppendAllTextAsync(path, JsonSerializer.Serialize(result) + Environment.NewLine, CancellationToken.None);
        }

        return failed == 0 ? 0 : 1;
    }

    private static async Task SendAsync(ReportIntakeService.ReportIntakeServiceClient client, string shape, List<Report> reports)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        switch (shape)
        {
            case "unary":
                await client.SubmitReportAsync(new SubmitReportRequest { Report = reports[0] }, deadline: deadline);
                break;
            case "batch":
                var request = new SubmitReportsRequest();
                request.Reports.AddRange(reports);
                await client.SubmitReportsAsync(request, deadline: deadline);
                break;
            default:
                using (var call = client.StreamReports(deadline: deadline))
                {
                    foreach (var report in reports)
                    {
                        await call.RequestStream.WriteAsync(new StreamReportsRequest { Report = report });
                    }

                    await call.RequestStream.CompleteAsync();
                    await call.ResponseAsync;
                }

                break;
        }
    }
}

/// <summary>GetStatus back to back on a connection of its own until stopped.</summary>
internal static class StatusProbe
{
    public static Task<List<double>> Start(string server, (string Service, string Region)[] keys, CancellationToken stop) => Task.Run(async () =>
    {
        var latencies = new List<double>();
        using var channel = GrpcChannel.ForAddress(server);
        var client = new StatusQueryService.StatusQueryServiceClient(channel);
        var timer = new Stopwatch();
        var i = 0;
        while (!stop.IsCancellationRequested)
        {
            var (service, region) = keys[i++ % keys.Length];
            timer.Restart();
            try
            {
                await client.GetStatusAsync(new GetStatusRequest { ServiceId = service, Region = region }, deadline: DateTime.UtcNow.AddSeconds(10));
                latencies.Add(timer.Elapsed.TotalMilliseconds);
            }
            catch (RpcException)
            {
                // counted by its absence; the ingest's failures are what the run reports
            }
        }

        return latencies;
    });
}

/// <summary>The progress line, once a second, on standard error.</summary>
internal static class Progress
{
    public static Task Start(Stopwatch clock, TimeSpan warmup, Func<long> sent, Func<long> failed, CancellationToken stop) => Task.Run(async () =>
    {
        long last = 0;
        while (!stop.IsCancellationRequested)
        {
            await Task.Delay(1000, CancellationToken.None);
            var now = sent();
            var phase = clock.Elapsed < warmup ? "warm-up  " : "measuring";
            Console.Error.Write($"\r{phase} {clock.Elapsed.TotalSeconds,5:0}s  {now,12:N0} reports  {now - last,10:N0}/s  failed calls {failed()}   ");
            last = now;
        }

        Console.Error.WriteLine();
    });
}

/// <summary>Median and 99th percentile of a set of latencies (nearest rank).</summary>
internal sealed record Quantiles(double? P50, double? P99, int Count)
{
    public static Quantiles Of(IEnumerable<double> values)
    {
        var all = values.Order().ToArray();
        double? At(double q) => all.Length == 0 ? null : all[Math.Clamp((int)Math.Ceiling(q * all.Length) - 1, 0, all.Length - 1)];
        return new Quantiles(At(0.5), At(0.99), all.Length);
    }
}
