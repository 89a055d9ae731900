using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Outage.Grains;
using Outage.Grains.Abstractions;

namespace Outage.Host.Hosting;

/// <summary>
/// OpenTelemetry: traces from the gRPC call through the batch and the grain calls to Redis; metrics of
/// Orleans, ASP.NET Core, the runtime and the product (<see cref="OutageMetrics"/>); logs. Exported by
/// OTLP when the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (every other <c>OTEL_*</c> variable
/// applies as the SDK defines it), and metrics scraped by Prometheus at <c>/metrics</c> on the HTTP/1 port.
/// </summary>
internal static class TelemetryExtensions
{
    /// <summary>Orleans' activity source for grain calls (its runtime source only adds background noise).</summary>
    private const string OrleansApplicationSource = "Microsoft.Orleans.Application";

    /// <summary>Orleans' meter.</summary>
    private const string OrleansMeter = "Microsoft.Orleans";

    /// <summary>
    /// Whether spans are recorded: when they go somewhere (an OTLP endpoint) or <c>Outage:Tracing</c> says so.
    /// Recording a span per call, batch and grain call costs about a fifth of the ingest throughput, so a
    /// process with nowhere to send them does not pay for it.
    /// </summary>
    public static bool TracingEnabled(this IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]) || OutageHostOptions.From(configuration).Tracing;

    public static void AddOutageTelemetry(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.Services.TryAddSingleton<OutageMetrics>();
        builder.Logging.AddOpenTelemetry(o =>
        {
            o.IncludeFormattedMessage = true;
            o.IncludeScopes = true;
        });

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource
                .AddService(configuration["OTEL_SERVICE_NAME"] ?? "outage",
                    serviceInstanceId: configuration["POD_NAME"] ?? Environment.MachineName)
                .AddAttributes(ResourceAttributes(configuration)))
            .WithMetrics(metrics => metrics
                .AddMeter(OutageMetrics.MeterName, OrleansMeter)
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter());
        if (configuration.TracingEnabled())
        {
            // Parent-based: a caller's sampling decision is kept; new traces are sampled at Outage:TraceSampleRatio.
            var ratio = OutageHostOptions.From(configuration).TraceSampleRatio;
            telemetry.WithTracing(tracing =>
            {
                tracing
                    .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(ratio)))
                    .AddSource(OutageMetrics.MeterName, OrleansApplicationSource)
                    // Probes and scrapes every few seconds are not worth a trace each.
                    .AddAspNetCoreInstrumentation(o => o.Filter = context =>
                        !context.Request.Path.StartsWithSegments("/healthz") && !context.Request.Path.StartsWithSegments("/metrics")
                        && !context.Request.Path.StartsWithSegments("/grpc.health.v1.Health"));
                if (configuration.GetConnectionString("Redis") is not null && OutageHostOptions.From(configuration).Role == OutageHostOptions.SiloRole)
                {
                    // The series journal's connection (registered by AddOutageSilo); Orleans' Redis providers keep their own.
                    tracing.AddRedisInstrumentation();
                }
            });
        }

        if (!string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.UseOtlpExporter();
        }
    }

    /// <summary>Where this process runs: pod and namespace (downward API), the Orleans cluster and the role.</summary>
    private static IEnumerable<KeyValuePair<string, object>> ResourceAttributes(IConfiguration configuration)
    {
        yield return new("outage.role", OutageHostOptions.From(configuration).Role);
        yield return new("orleans.cluster_id", OrleansHostingOptions.From(configuration).ClusterId);
        if (configuration["POD_NAME"] is { Length: > 0 } pod)
        {
            yield return new("k8s.pod.name", pod);
        }

        if (configuration["POD_NAMESPACE"] is { Length: > 0 } ns)
        {
            yield return new("k8s.namespace.name", ns);
        }
    }

    /// <summary>The Prometheus scrape endpoint, <c>/metrics</c>.</summary>
    public static void MapOutageTelemetry(this WebApplication app) => app.MapPrometheusScrapingEndpoint();
}
