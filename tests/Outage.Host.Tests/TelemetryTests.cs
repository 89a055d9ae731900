using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Grpc.Core;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using Outage.Contracts.V1;
using Xunit.Abstractions;

namespace Outage.Host.Tests;

/// <summary>A host of its own (exact counter values), with every finished span kept in memory.</summary>
public sealed class TracedHostFactory : OutageHostFactory
{
    private readonly List<Activity> _spans = [];

    /// <summary>The spans finished so far, copied.</summary>
    public Activity[] Spans()
    {
        lock (_spans)
        {
            return [.. _spans];
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Outage:Tracing", "true");
        builder.ConfigureServices(services => services.ConfigureOpenTelemetryTracerProvider(tracing =>
            tracing.AddInMemoryExporter(new LockedCollection(_spans))));
    }

    /// <summary>The exporter adds from the thread that ends a span while the test reads: guard the list.</summary>
    private sealed class LockedCollection(List<Activity> inner) : ICollection<Activity>
    {
        public int Count { get { lock (inner) { return inner.Count; } } }

        public bool IsReadOnly => false;

        public void Add(Activity item) { lock (inner) { inner.Add(item); } }

        public void Clear() { lock (inner) { inner.Clear(); } }

        public bool Contains(Activity item) { lock (inner) { return inner.Contains(item); } }

        public void CopyTo(Activity[] array, int arrayIndex) { lock (inner) { inner.CopyTo(array, arrayIndex); } }

        public bool Remove(Activity item) { lock (inner) { return inner.Remove(item); } }

        public IEnumerator<Activity> GetEnumerator() { lock (inner) { return inner.ToList().GetEnumerator(); } }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}

/// <summary>
/// OpenTelemetry listens to instruments by meter name across the process, so the other hosts of this test
/// process would add to the counters read here: these tests run alone, after the parallel ones.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "telemetry";
}

[Collection(TelemetryCollection.Name)]
public class TelemetryTests(TracedHostFactory host, ITestOutputHelper output) : IClassFixture<TracedHostFactory>
{
    /// <summary>The value of the Prometheus sample of <paramref name="metric"/> whose labels include every one of <paramref name="labels"/>.</summary>
    private static double? Sample(string scrape, string metric, params string[] labels)
    {
        foreach (var line in scrape.Split('\n'))
        {
            var match = Regex.Match(line, $@"^{Regex.Escape(metric)}\{{(?<labels>[^}}]*)\}} (?<value>\S+)");
            if (match.Success && labels.All(l => match.Groups["labels"].Value.Contains(l, StringComparison.Ordinal)))
            {
                return double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    [Fact]
    public async Task MetricsEndpointCountsReportsByOutcomeServiceAndReason()
    {
        using var http = host.CreateClient();
        var before = await http.GetStringAsync("/metrics"); // the trace test may have used this host already
        var intake = host.Intake();
        var first = Reports.Valid(host, "telegram", "FR");
        await intake.SubmitReportAsync(new SubmitReportRequest { Report = first });
        await intake.SubmitReportAsync(new SubmitReportRequest { Report = Reports.Valid(host, "telegram", "FR") });
        await intake.SubmitReportAsync(new SubmitReportRequest { Report = first }); // retry: duplicate
        var batch = new SubmitReportsRequest();
        batch.Reports.Add(Reports.Valid(host, "telegram", "DE"));
        batch.Reports.Add(Reports.Valid(host, "telegram", "not a region"));
        batch.Reports.Add(Reports.Valid(host, "telegram", "DE", category: "no such category"));
        await intake.SubmitReportsAsync(batch);
        await Assert.ThrowsAsync<RpcException>(() => intake.SubmitReportAsync(new SubmitReportRequest { Report = Reports.Valid(host, "nope", "FR") }).ResponseAsync);

        var scrape = "";
        // The exporter caches a scrape for a moment: ask until the last answer is in.
        Assert.True(await Reports.Eventually(async () =>
        {
            scrape = await http.GetStringAsync("/metrics");
            return Sample(scrape, "outage_reports_total", "outcome=\"rejected\"", "service=\"unknown\"") == 1;
        }), scrape);

        output.WriteLine(string.Join('\n', scrape.Split('\n').Where(l => l.StartsWith("outage_", StringComparison.Ordinal))));
        Assert.Equal(3, Sample(scrape, "outage_reports_total", "outcome=\"accepted\"", "service=\"telegram\""));
        Assert.Equal(1, Sample(scrape, "outage_reports_total", "outcome=\"duplicate\"", "service=\"telegram\""));
        Assert.Equal(1, Sample(scrape, "outage_reports_total", "outcome=\"rejected\"", "reason=\"region\"", "service=\"telegram\""));
        Assert.Equal(1, Sample(scrape, "outage_reports_total", "outcome=\"rejected\"", "reason=\"category\"", "service=\"telegram\""));
        Assert.Equal(1, Sample(scrape, "outage_reports_total", "outcome=\"rejected\"", "reason=\"service_id\"", "service=\"unknown\""));
        Assert.Equal(3 + (Sample(before, "outage_ingest_duration_seconds_count", "rpc=\"SubmitReport\"") ?? 0),
            Sample(scrape, "outage_ingest_duration_seconds_count", "rpc=\"SubmitReport\""));
        Assert.Equal(1, Sample(scrape, "outage_ingest_duration_seconds_count", "rpc=\"SubmitReports\""));
        // telegram/FR and telegram/DE, and the world series they roll up to, all at NORMAL.
        Assert.True(Sample(scrape, "outage_series_active") >= 3);
        Assert.Equal(Sample(scrape, "outage_series_active"), Sample(scrape, "outage_series_level", "level=\"normal\""));
        // Orleans', ASP.NET Core's and the runtime's own metrics are there too.
        Assert.Contains("\norleans_", scrape, StringComparison.Ordinal);
        Assert.Contains("\nhttp_server_request_duration_seconds", scrape, StringComparison.Ordinal);
        Assert.Contains("\ndotnet_gc_", scrape, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASubmitReportTraceLeadsThroughTheBatchToTheGrainCalls()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var headers = new Metadata { { "traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01" } };

        await host.Intake().SubmitReportAsync(new SubmitReportRequest { Report = Reports.Valid(host, "x", "PL") }, headers);

        Activity[] trace = [];
        Assert.True(await Reports.Eventually(() =>
        {
            trace = host.Spans().Where(s => s.TraceId == traceId).ToArray();
            // The request's own span ends last, once the answer is written.
            return Task.FromResult(trace.Any(s => s.Source.Name == "Microsoft.Orleans.Application" && s.Kind == ActivityKind.Server)
                && trace.Any(s => s.Source.Name == "Microsoft.AspNetCore"));
        }), "no grain call span or no request span in the trace");

        foreach (var span in trace.OrderBy(s => s.StartTimeUtc))
        {
            output.WriteLine($"{span.Source.Name,-32} {span.Kind,-8} {span.DisplayName}");
        }

        var request = Assert.Single(trace, s => s.Source.Name == "Microsoft.AspNetCore");
        Assert.Contains("SubmitReport", request.DisplayName, StringComparison.Ordinal);
        var batch = Assert.Single(trace, s => s.Source.Name == "Outage" && s.DisplayName == "ingest batch");
        Assert.Equal(request.SpanId, batch.ParentSpanId);
        Assert.Contains(trace, s => s.Source.Name == "Microsoft.Orleans.Application" && s.ParentSpanId == batch.SpanId && s.DisplayName.Contains("Ingest", StringComparison.Ordinal));
    }
}
