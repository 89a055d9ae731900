using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Outage.Bench;
using Outage.Contracts.V1;

// Memory per active series and per remembered device. The real host (silo, gRPC services, aggregator)
// runs in this process on an in-memory test server; reports go through its gRPC API; the live heap is
// read with GC.GetTotalMemory after full collections.
// Usage: Outage.MemoryProbe [--json results.jsonl] [redis-connection-string]
var jsonAt = Array.IndexOf(args, "--json");
var json = jsonAt >= 0 && jsonAt + 1 < args.Length ? args[jsonAt + 1] : null;
var redis = args.Where((a, i) => a != "--json" && (jsonAt < 0 || i != jsonAt + 1)).FirstOrDefault();
await using var host = new ProbeHost(redis);
var intake = new ReportIntakeService.ReportIntakeServiceClient(
    GrpcChannel.ForAddress(host.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = host.Server.CreateHandler() }));
var run = Guid.NewGuid().ToString("N")[..8];
long next = 0;

async Task SendAsync(string what, int series, long reports)
{
    var keys = LoadShape.SeriesKeys(series);
    var clock = Stopwatch.StartNew();
    var sent = 0L;
    // Four calls of 500 in flight, like a few client connections.
    await Parallel.ForAsync(0L, (reports + 499) / 500, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (_, ct) =>
    {
        var request = new SubmitReportsRequest();
        for (var i = 0; i < 500; i++)
        {
            var n = Interlocked.Increment(ref next);
            request.Reports.Add(LoadShape.NewReport(run, n, keys[n % keys.Length]));
        }

        await intake.SubmitReportsAsync(request, cancellationToken: ct);
        if (Interlocked.Add(ref sent, 500) % 50_000 == 0)
        {
            Console.Error.Write($"\r  {what}: {sent:N0} reports, {clock.Elapsed.TotalSeconds:0} s   ");
        }
    });
    Console.Error.WriteLine($"\r  {what}: {sent:N0} reports in {clock.Elapsed.TotalSeconds:0.0} s   ");
}

static long LiveHeap()
{
    for (var i = 0; i < 3; i++)
    {
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
    }

    return GC.GetTotalMemory(forceFullCollection: true);
}

string Figure(double x) => x.ToString("N0", CultureInfo.InvariantCulture);

Console.WriteLine($"mode: {(redis is null ? "embedded (in-memory grain storage in this heap)" : $"Redis at {redis} (state outside this heap)")}");
await SendAsync("warm-up, 200 series", 200, 1_000);
var h0 = LiveHeap();
await SendAsync("10,000 series", 10_000, 10_000);
var h1 = LiveHeap();
await SendAsync("100,000 series", 100_000, 100_000);
var h2 = LiveHeap();
// A flood on one series, every report from a new device; measured between two floods so that pools grown by the first are not counted.
await SendAsync("flood, 200,000 new devices", 1, 200_000);
var h3 = LiveHeap();
await SendAsync("flood, 600,000 more new devices", 1, 600_000);
var h4 = LiveHeap();

Console.WriteLine($"live heap: {Figure(h0)} B with 200 series, {Figure(h1)} with 10,000, {Figure(h2)} with 100,000, {Figure(h3)} and {Figure(h4)} around the second flood");
Console.WriteLine($"memory per active series, 200 -> 10,000:     {Figure((h1 - h0) / 9_800.0)} B");
Console.WriteLine($"memory per active series, 10,000 -> 100,000: {Figure((h2 - h1) / 90_000.0)} B");
Console.WriteLine($"memory per new device (report id + device):  {(h4 - h3) / 600_000.0:0.0} B");
if (json is not null)
{
    var result = new Dictionary<string, object?>
    {
        ["name"] = "memory per active series", ["shape"] = "memory", ["mode"] = redis is null ? "embedded" : "redis",
        ["bytes_per_series_10k"] = (h1 - h0) / 9_800.0, ["bytes_per_series_100k"] = (h2 - h1) / 90_000.0,
        ["bytes_per_new_device"] = (h4 - h3) / 600_000.0, ["live_heap_bytes_100k_series"] = h2,
    };
    await File.AppendAllTextAsync(json, System.Text.Json.JsonSerializer.Serialize(result) + Environment.NewLine);
}

/// <summary>The real host on a test server, with its own Orleans ports and cluster id.</summary>
internal sealed class ProbeHost(string? redis) : WebApplicationFactory<Outage.Host.Ingest.ReportAggregator> // any type of the host assembly names its entry point
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Orleans:SiloPort", FreePort().ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("Orleans:GatewayPort", FreePort().ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("Orleans:ClusterId", "memory-probe-" + Guid.NewGuid().ToString("N")[..8]);
        builder.UseSetting("Logging:LogLevel:Default", "Error");
        if (redis is not null)
        {
            builder.UseSetting("ConnectionStrings:Redis", redis);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
