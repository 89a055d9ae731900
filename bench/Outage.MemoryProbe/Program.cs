using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Outage.Bench;
using Outage.Contracts.V1;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;

// Memory per active series and per remembered device. The real host (silo, gRPC services, aggregator)
// runs in this process on an in-memory test server; reports go through its gRPC API; the live heap is
// read with GC.GetTotalMemory after full collections.
// Then the 100,000 series go quiet: Orleans collects their grains (their snapshots saved), the aggregator forgets
// their queues, and the heap is read again; and the first report to a quiet series (its activation, restored from the
// snapshot) is timed against the next one.
// Usage: Outage.MemoryProbe [--json results.jsonl] [redis-connection-string]
var jsonAt = Array.IndexOf(args, "--json");
var json = jsonAt >= 0 && jsonAt + 1 < args.Length ? args[jsonAt + 1] : null;
var redis = args.Where((a, i) => a != "--json" && (jsonAt < 0 || i != jsonAt + 1)).FirstOrDefault();
await using var host = new ProbeHost(redis);
var channel = GrpcChannel.ForAddress(host.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = host.Server.CreateHandler() });
var intake = new ReportIntakeService.ReportIntakeServiceClient(channel);
var query = new StatusQueryService.StatusQueryServiceClient(channel);
var run = Guid.NewGuid().ToString("N")[..8];
long next = 0;
long retries = 0;

// UNAVAILABLE says "retry with the same report ids": the probe does, as a client would (e.g. Redis timing out under load).
async Task RetriedAsync(Func<Task> call)
{
    while (true)
    {
        try
        {
            await call();
            return;
        }
        catch (Grpc.Core.RpcException e) when (e.StatusCode == Grpc.Core.StatusCode.Unavailable)
        {
            Interlocked.Increment(ref retries);
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }
}

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

        await RetriedAsync(() => intake.SubmitReportsAsync(request, cancellationToken: ct).ResponseAsync);

        if (Interlocked.Add(ref sent, 500) % 50_000 == 0)
        {
            Console.Error.Write($"\r  {what}: {sent:N0} reports, {clock.Elapsed.TotalSeconds:0} s   ");
        }
    });
    Console.Error.WriteLine($"\r  {what}: {sent:N0} reports in {clock.Elapsed.TotalSeconds:0.0} s ({retries:N0} calls retried after UNAVAILABLE so far)   ");
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

var idle = LiveHeap();
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

// Quiet: nothing more is sent until the series' grains are collected (ProbeHost shortens Orleans' collection age).
var management = host.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
var quietClock = Stopwatch.StartNew();
var activations = await management.GetTotalActivationCount();
while (activations > 1_000 && quietClock.Elapsed < TimeSpan.FromMinutes(8))
{
    // A disrupted series stays active for a while to see its own recovery.
    var disrupted = (await query.ListDisruptionsAsync(new ListDisruptionsRequest())).Disruptions.Count;
    Console.Error.Write($"\r  waiting for the quiet series to be collected: {activations:N0} activations, {disrupted:N0} series disrupted, {quietClock.Elapsed.TotalSeconds:0} s   ");
    await Task.Delay(TimeSpan.FromSeconds(5));
    activations = await management.GetTotalActivationCount();
}

await Task.Delay(ProbeHost.IdleQueueSweep * 2); // and the aggregator's queues forgotten
var aggregator = host.Services.GetRequiredService<Outage.Host.Ingest.ReportAggregator>();
Console.Error.WriteLine($"\r  quiet after {quietClock.Elapsed.TotalSeconds:0} s: {activations:N0} activations, {aggregator.QueuedSeries:N0} intake queues   ");
var h5 = LiveHeap();

// What an activation costs: one report each to 1,000 quiet series, one at a time, then one more each (now active).
var quietKeys = LoadShape.SeriesKeys(100_000).Skip(50_000).Take(1_000).ToArray();
async Task<double[]> TimeEachAsync()
{
    var times = new List<double>();
    foreach (var key in quietKeys)
    {
        var started = Stopwatch.GetTimestamp();
        var report = LoadShape.NewReport(run, Interlocked.Increment(ref next), key);
        await RetriedAsync(() => intake.SubmitReportAsync(new SubmitReportRequest { Report = report }).ResponseAsync); // a retry counts in the time: the caller waited

        times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    return [.. times.Order()];
}

var reactivating = await TimeEachAsync();
var active = await TimeEachAsync();
static double Quantile(double[] sorted, double q) => sorted[(int)Math.Min(sorted.Length - 1, q * sorted.Length)];

Console.WriteLine($"live heap: {Figure(idle)} B idle, {Figure(h0)} with 200 series, {Figure(h1)} with 10,000, {Figure(h2)} with 100,000, {Figure(h3)} and {Figure(h4)} around the second flood");
Console.WriteLine($"memory per active series, 200 -> 10,000:     {Figure((h1 - h0) / 9_800.0)} B");
Console.WriteLine($"memory per active series, 10,000 -> 100,000: {Figure((h2 - h1) / 90_000.0)} B");
Console.WriteLine($"memory per new device (report id + device):  {(h4 - h3) / 600_000.0:0.0} B");
Console.WriteLine($"after the 100,000 series went quiet ({activations:N0} activations left): live heap {Figure(h5)} B, {Figure(h5 - idle)} above the idle host, {Figure((h5 - h0) / 100_000.0)} B per quiet series ({(redis is null ? "embedded: its snapshot stays in the in-memory grain storage" : "its snapshot is in Redis")})");
Console.WriteLine($"calls retried after UNAVAILABLE: {retries:N0}");
Console.WriteLine($"first report to a quiet series (restored from its snapshot): p50 {Quantile(reactivating, 0.5):0.00} ms, p99 {Quantile(reactivating, 0.99):0.00} ms; the next one (active): p50 {Quantile(active, 0.5):0.00} ms, p99 {Quantile(active, 0.99):0.00} ms");
if (json is not null)
{
    var result = new Dictionary<string, object?>
    {
        ["name"] = "memory per active series", ["shape"] = "memory", ["mode"] = redis is null ? "embedded" : "redis",
        ["bytes_per_series_10k"] = (h1 - h0) / 9_800.0, ["bytes_per_series_100k"] = (h2 - h1) / 90_000.0,
        ["bytes_per_new_device"] = (h4 - h3) / 600_000.0, ["live_heap_bytes_100k_series"] = h2,
        ["live_heap_bytes_idle"] = idle, ["live_heap_bytes_quiet"] = h5, ["activations_quiet"] = activations,
        ["bytes_per_quiet_series"] = (h5 - h0) / 100_000.0,
        ["reactivation_p50_ms"] = Quantile(reactivating, 0.5), ["reactivation_p99_ms"] = Quantile(reactivating, 0.99),
        ["active_p50_ms"] = Quantile(active, 0.5), ["active_p99_ms"] = Quantile(active, 0.99), ["retried_calls"] = retries,
    };
    await File.AppendAllTextAsync(json, System.Text.Json.JsonSerializer.Serialize(result) + Environment.NewLine);
}

/// <summary>The real host on a test server, with its own Orleans ports and cluster id.</summary>
internal sealed class ProbeHost(string? redis) : WebApplicationFactory<Outage.Host.Ingest.ReportAggregator> // any type of the host assembly names its entry point
{
    /// <summary>Grains idle this long are collected: longer than the phases that must keep their series active take.</summary>
    public static readonly TimeSpan CollectionAge = TimeSpan.FromMinutes(2);

    /// <summary>The aggregator's sweep of idle queues.</summary>
    public static readonly TimeSpan IdleQueueSweep = TimeSpan.FromSeconds(15);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Orleans:GrainCollection:CollectionAge", CollectionAge.ToString());
        builder.UseSetting("Orleans:GrainCollection:CollectionQuantum", TimeSpan.FromSeconds(15).ToString());
        builder.UseSetting("Outage:Intake:IdleQueueSweep", IdleQueueSweep.ToString());
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
