using System.Globalization;
using System.Text.Json;

namespace Outage.Bench;

/// <summary>
/// GetStatus latency measured from a process of its own, as an app asking for status is: beside a flood sent by another
/// process, its answers do not queue behind the flood's continuations in the load generator's own thread pool.
/// </summary>
internal static class StatusRun
{
    public static async Task<int> RunAsync(string server, TimeSpan duration, int series, string name, string mode, string? json, CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        stop.CancelAfter(duration);
        var latencies = await StatusProbe.Start(server, LoadShape.SeriesKeys(series), stop.Token);
        var q = Quantiles.Of(latencies);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: GetStatus p50 {q.P50:0.00} ms, p99 {q.P99:0.00} ms over {q.Count:N0} calls in {duration.TotalSeconds:0} s, from a process of its own"));
        if (json is not null)
        {
            var row = new Dictionary<string, object?>
            {
                ["name"] = name, ["shape"] = "getstatus", ["mode"] = mode, ["series"] = series, ["seconds"] = duration.TotalSeconds,
                ["getstatus_p50_ms"] = q.P50, ["getstatus_p99_ms"] = q.P99, ["getstatus_calls"] = q.Count, ["own_process"] = true,
            };
            await File.AppendAllTextAsync(json, JsonSerializer.Serialize(row) + Environment.NewLine, CancellationToken.None);
        }

        return q.Count > 0 ? 0 : 1;
    }
}
