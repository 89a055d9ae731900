using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using Outage.Contracts.V1;
using Xunit.Abstractions;

namespace Outage.Integration.Tests;

/// <summary>In production mode a report's trace reaches Redis: the series journal's append is a span of it.</summary>
public sealed class RedisTraceTests(ITestOutputHelper output) : IDisposable
{
    private readonly RedisServer _redis = new();

    public void Dispose() => _redis.Dispose();

    [Fact]
    public async Task ASubmitReportTraceReachesTheJournalsRedisCommands()
    {
        var spans = new List<Activity>();
        await using var host = new RedisHost(_redis.ConnectionString, spans);
        var intake = new ReportIntakeService.ReportIntakeServiceClient(
            GrpcChannel.ForAddress(host.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = host.Server.CreateHandler() }));
        var traceId = ActivityTraceId.CreateRandom();

        var response = await intake.SubmitReportAsync(new SubmitReportRequest
        {
            Report = new Report
            {
                ReportId = Guid.NewGuid().ToString("N"), ServiceId = "steam", Region = "PL", Category = "login",
                DeviceId = Guid.NewGuid().ToString("N"), OccurredAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
                Platform = Platform.Android, AppVersion = "1.0",
            },
        }, new Metadata { { "traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01" } });
        Assert.Equal(ReportOutcome.Accepted, response.Outcome);

        // The Redis instrumentation hands over its spans on a timer (every 10 s by default).
        Activity[] trace = [];
        var until = DateTime.UtcNow.AddSeconds(40);
        while (DateTime.UtcNow < until)
        {
            lock (spans)
            {
                trace = spans.Where(s => s.TraceId == traceId).ToArray();
            }

            if (trace.Any(IsRedis))
            {
                break;
            }

            await Task.Delay(250);
        }

        foreach (var span in trace.OrderBy(s => s.StartTimeUtc))
        {
            output.WriteLine($"{span.Source.Name,-50} {span.Kind,-8} {span.DisplayName}");
        }

        var grainCall = Assert.Single(trace, s => s.Source.Name == "Microsoft.Orleans.Application" && s.Kind == ActivityKind.Server && s.DisplayName.Contains("IngestAsync", StringComparison.Ordinal));
        Assert.Contains(trace, s => IsRedis(s) && s.ParentSpanId == grainCall.SpanId);
    }

    private static bool IsRedis(Activity span) => span.Source.Name.Contains("StackExchangeRedis", StringComparison.Ordinal);

    /// <summary>The real host as a silo in production mode on the test's redis-server, spans kept in memory.</summary>
    private sealed class RedisHost(string redis, List<Activity> spans) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("ConnectionStrings:Redis", redis);
            builder.UseSetting("Outage:Tracing", "true");
            builder.UseSetting("Orleans:SiloPort", Loopback.FreePort().ToString());
            builder.UseSetting("Orleans:GatewayPort", Loopback.FreePort().ToString());
            builder.UseSetting("Orleans:ClusterId", "trace-" + Guid.NewGuid().ToString("N")[..8]);
            builder.ConfigureServices(services => services.ConfigureOpenTelemetryTracerProvider(tracing =>
                tracing.AddProcessor(new OpenTelemetry.SimpleActivityExportProcessor(new ListExporter(spans)))));
        }
    }

    /// <summary>Keeps finished spans in a list the test reads under its lock.</summary>
    private sealed class ListExporter(List<Activity> spans) : OpenTelemetry.BaseExporter<Activity>
    {
        public override OpenTelemetry.ExportResult Export(in OpenTelemetry.Batch<Activity> batch)
        {
            lock (spans)
            {
                foreach (var span in batch)
                {
                    spans.Add(span);
                }
            }

            return OpenTelemetry.ExportResult.Success;
        }
    }
}
