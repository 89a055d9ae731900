using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;
using Outage.Grains;
using Outage.Host.Grpc;
using Outage.Host.Ingest;
using Outage.Host.Watch;

namespace Outage.Host.Hosting;

/// <summary>Registration of the silo, the gRPC services and their endpoints: Program.cs reads top to bottom.</summary>
internal static class HostingExtensions
{
    /// <summary>
    /// An Orleans silo in this process. With nothing configured: localhost clustering and in-memory
    /// storage, so <c>dotnet run</c> works with nothing else installed.
    /// </summary>
    public static void AddOutageSilo(this WebApplicationBuilder builder)
    {
        var orleans = builder.Configuration.GetSection("Orleans");
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = orleans["ClusterId"] ?? "outage-dev";
                o.ServiceId = orleans["ServiceId"] ?? "outage";
            });
            silo.UseLocalhostClustering(orleans.GetValue("SiloPort", 11111), orleans.GetValue("GatewayPort", 30000));
            silo.AddMemoryGrainStorage(StorageNames.State);
        });
    }

    /// <summary>The gRPC services, the per-process report aggregator and watch hub, catalog, options and health.</summary>
    public static void AddOutageServices(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var speed = builder.Configuration.GetValue("Outage:Clock:Speed", 1.0);
        services.TryAddKeyedSingleton(OutageClock.Key, speed == 1.0 ? TimeProvider.System : new ScaledTimeProvider(speed));
        services.AddSingleton(ServiceCatalog.Default);
        services.AddOptions<SeriesOptions>().BindConfiguration(SeriesOptions.Section);
        services.AddOptions<IntakeOptions>().BindConfiguration(IntakeOptions.Section);
        services.AddSingleton<ReportAggregator>();
        services.AddHostedService(sp => sp.GetRequiredService<ReportAggregator>());
        services.AddSingleton<WatchHub>();
        services.AddHostedService(sp => sp.GetRequiredService<WatchHub>());
        services.AddSingleton<ReportValidator>();
        services.AddSingleton<ReportHasher>();

        services.AddGrpc(o =>
        {
            o.Interceptors.Add<ErrorMappingInterceptor>();
            o.EnableDetailedErrors = builder.Environment.IsDevelopment();
        });
        services.AddGrpcReflection();
        services.AddGrpcHealthChecks().AddCheck("self", () => Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy(), ["live"]);
    }

    /// <summary>gRPC services, reflection and health on the gRPC endpoint; plain HTTP health on the HTTP/1 endpoint.</summary>
    public static void MapOutageEndpoints(this WebApplication app)
    {
        app.MapGrpcService<ReportIntakeGrpcService>();
        app.MapGrpcService<StatusQueryGrpcService>();
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        app.MapHealthChecks("/healthz");
        app.MapGet("/", () => "Outage: gRPC on the Grpc endpoint (outage.v1.ReportIntakeService, outage.v1.StatusQueryService).");
    }
}
