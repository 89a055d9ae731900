using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Outage.Contracts.V1;

namespace Outage.Bench;

/// <summary>
/// End-to-end detection latency: one WatchStatus subscriber; series that nobody reported on are surged one
/// after another (distinct devices at a fixed rate), each timed from its first surge report to the moment
/// the subscriber receives it DISRUPTED or worse. This includes intake, the group commit, the grain's
/// preview of the open bucket, the status feed and the Watch fan-out, so it bounds Watch propagation too. With a
/// notification key, each surged series also gets a webhook subscription to a local receiver (HttpListener) made
/// before its surge, and the surge is timed on from the level change the Watch subscriber saw to the webhook that
/// names the series (the outbox, the coalescing window, signing and the HTTP call): a subscription's first message.
/// </summary>
internal static class DetectionRun
{
    public static async Task<int> RunAsync(string server, int surges, int surgeRate, string name, string? json, string? notifyKey, CancellationToken ct)
    {
        using var channel = GrpcChannel.ForAddress(server);
        using var receiver = notifyKey is null ? null : WebhookReceiver.Start();
        var notifications = new NotificationService.NotificationServiceClient(channel);
        var bearer = new Metadata { { "authorization", "Bearer " + notifyKey } };
        var webhookLatencies = new List<double>();
        var intake = new ReportIntakeService.ReportIntakeServiceClient(channel);
        var query = new StatusQueryService.StatusQueryServiceClient(channel);
        var seen = new ConcurrentDictionary<string, TaskCompletionSource<TimeSpan>>();
        var clock = Stopwatch.StartNew();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var watch = query.WatchStatus(new WatchStatusRequest(), cancellationToken: stop.Token);
        var subscriber = Task.Run(async () =>
        {
            try
            {
                await foreach (var change in watch.ResponseStream.ReadAllAsync(stop.Token))
                {
                    if (!change.Snapshot && change.Status is not null && change.Status.Level >= DisruptionLevel.Disrupted
                        && seen.TryGetValue($"{change.Status.ServiceId}/{change.Status.Region}", out var waiter))
                    {
                        waiter.TrySetResult(clock.Elapsed);
                    }
                }
            }
            catch (RpcException) when (stop.IsCancellationRequested)
            {
            }
            catch (OperationCanceledException)
            {
            }
        });

        var run = Guid.NewGuid().ToString("N")[..8];
        var latencies = new List<double>();
        var random = new Random();
        const int BatchSize = 20;
        const int MaxInFlight = 256;
        var surgeRates = new List<double>();
        var failures = new ConcurrentDictionary<StatusCode, int>();
        var pause = TimeSpan.FromSeconds((double)BatchSize / surgeRate);
        long n = 0;
        for (var i = 0; i < surges; i++)
        {
            // A subdivision nobody has reported on: a series with no history, detected by the cold-start rule.
            var region = "SE-" + new string(Enumerable.Range(0, 3).Select(_ => "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"[random.Next(34)]).ToArray());
            var key = $"steam/{region}";
            var waiter = seen.GetOrAdd(key, _ => new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously));
            var hooked = receiver?.Expect(key, clock);
            if (receiver is not null)
            {
                await notifications.CreateSubscriptionAsync(new CreateSubscriptionRequest
                {
                    Subscription = new Subscription
                    {
                        WebhookUrl = receiver.Url, Description = "bench " + key,
                        Filter = new SubscriptionFilter { ServiceIds = { "steam" }, Regions = { region } }, Events = { NotificationEvent.DisruptionStarted },
                    },
                }, bearer, cancellationToken: ct);
            }

            var started = clock.Elapsed;
            // Open loop, as a surge is: many phones, each sending when its user gives up, none waiting for another's
            // answer. One client awaiting each call before the next (the closed loop this replaced) sent only what the
            // server let through: behind a flood that was about 200 reports/s, not the surge rate, and the cold-start rule
            // (300 reports in a minute's window) then took 1.5 s of the latency to fill.
            var inFlight = new List<Task>();
            var sent = 0;
            while (!waiter.Task.IsCompleted && clock.Elapsed - started < TimeSpan.FromSeconds(60))
            {
                var due = (int)Math.Min((clock.Elapsed - started).TotalSeconds * surgeRate / BatchSize + 1, int.MaxValue);
                inFlight.RemoveAll(t => t.IsCompleted);
                while (sent < due && inFlight.Count < MaxInFlight)
                {
                    var request = new SubmitReportsRequest();
                    for (var r = 0; r < BatchSize; r++)
                    {
                        request.Reports.Add(LoadShape.NewReport(run, ++n, ("steam", region)));
                    }

                    inFlight.Add(Submit(intake, request, failures, stop.Token));
                    sent++;
                }

                await Task.WhenAny(Task.Delay(pause, CancellationToken.None), waiter.Task);
            }

            var sentFor = clock.Elapsed - started;
            surgeRates.Add(sent * BatchSize / Math.Max(sentFor.TotalSeconds, 1e-3));
            await Task.WhenAll(inFlight); // the next surge starts on its own, not behind this one's stragglers
            if (!waiter.Task.IsCompleted)
            {
                Console.Error.WriteLine($"{key}: not seen DISRUPTED within 60 s");
                continue;
            }

            var seenAt = await waiter.Task;
            var latency = (seenAt - started).TotalMilliseconds;
            latencies.Add(latency);
            var webhook = "";
            if (hooked is not null)
            {
                if (await Task.WhenAny(hooked, Task.Delay(TimeSpan.FromSeconds(30), ct)) == hooked)
                {
                    var after = (await hooked - seenAt).TotalMilliseconds;
                    webhookLatencies.Add(after);
                    webhook = $", webhook {after:0} ms later";
                }
                else
                {
                    Console.Error.WriteLine($"{key}: no webhook within 30 s of the level change");
                }
            }

            Console.Error.Write($"\rsurge {i + 1}/{surges}: {key} seen DISRUPTED after {latency:0} ms{webhook}   ");
        }

        Console.Error.WriteLine();
        await stop.CancelAsync();
        await subscriber;
        var q = Quantiles.Of(latencies);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: {latencies.Count} of {surges} surges seen DISRUPTED by a Watch subscriber; latency p50 {q.P50:0} ms, p99 {q.P99:0} ms, max {(latencies.Count > 0 ? latencies.Max() : 0):0} ms; surge rate sent {(surgeRates.Count > 0 ? surgeRates.Min() : 0):0} to {(surgeRates.Count > 0 ? surgeRates.Max() : 0):0} reports/s (asked {surgeRate}){FailureText(failures)}"));
        var w = Quantiles.Of(webhookLatencies);
        if (receiver is not null)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"level change -> webhook received: {webhookLatencies.Count} of {surges}; p50 {w.P50:0} ms, p99 {w.P99:0} ms, max {(webhookLatencies.Count > 0 ? webhookLatencies.Max() : 0):0} ms"));
        }
        if (json is { } path)
        {
            var result = new Dictionary<string, object?>
            {
                ["name"] = name, ["shape"] = "surge", ["mode"] = "embedded", ["surges"] = surges, ["detected"] = latencies.Count,
                ["surge_reports_per_s"] = surgeRate, ["detection_p50_ms"] = q.P50, ["detection_p99_ms"] = q.P99,
                ["detection_max_ms"] = latencies.Count > 0 ? latencies.Max() : null,
                ["surge_rate_sent_min"] = surgeRates.Count > 0 ? surgeRates.Min() : null,
                ["failed_calls"] = failures.Values.Sum(),
            };
            if (receiver is not null)
            {
                result["webhooks"] = webhookLatencies.Count;
                result["webhook_p50_ms"] = w.P50;
                result["webhook_p99_ms"] = w.P99;
                result["webhook_max_ms"] = webhookLatencies.Count > 0 ? webhookLatencies.Max() : null;
            }

            await File.AppendAllTextAsync(path, JsonSerializer.Serialize(result) + Environment.NewLine, CancellationToken.None);
        }

        return latencies.Count == surges && (receiver is null || webhookLatencies.Count == surges) ? 0 : 1;
    }

    /// <summary>One surge call; a failure is counted by status code (the surge goes on, as phones would).</summary>
    private static async Task Submit(ReportIntakeService.ReportIntakeServiceClient intake, SubmitReportsRequest request,
        ConcurrentDictionary<StatusCode, int> failures, CancellationToken ct)
    {
        try
        {
            await intake.SubmitReportsAsync(request, cancellationToken: ct);
        }
        catch (RpcException e) when (!ct.IsCancellationRequested)
        {
            failures.AddOrUpdate(e.StatusCode, 1, (_, count) => count + 1);
        }
        catch (RpcException) when (ct.IsCancellationRequested)
        {
        }
    }

    private static string FailureText(ConcurrentDictionary<StatusCode, int> failures) =>
        failures.IsEmpty ? "" : "; failed calls: " + string.Join(", ", failures.Select(f => $"{f.Key} {f.Value}"));
}
