using System.Net;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;
using Orleans.Storage;
using Outage.Grains;
using Outage.Grains.Abstractions;
using Outage.Host.Grpc;
using Outage.Host.Ingest;
using Outage.Host.Notifications;
using Outage.Host.Public;
using Outage.Host.Storage;
using Outage.Host.Watch;
using StackExchange.Redis;

namespace Outage.Host.Hosting;

/// <summary>Registration of the silo or the edge (an Orleans client), the gRPC services and their endpoints: Program.cs reads top to bottom.</summary>
internal static class HostingExtensions
{
    /// <summary>
    /// This process as an Orleans silo (grains and gRPC). With no <c>ConnectionStrings:Redis</c>: localhost clustering
    /// and in-memory storage, so <c>dotnet run</c> works with nothing else installed. With it: Redis clustering, grain
    /// storage, reminders and the series journal.
    /// </summary>
    public static void AddOutageSilo(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var orleans = OrleansHostingOptions.From(configuration);
        var orleansSection = configuration.GetSection(OrleansHostingOptions.Section);
        var redis = configuration.GetConnectionString("Redis");
        AddRedisStartupGate(builder, redis);
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (orleans.ClusterId, orleans.ServiceId));
            silo.AddOutageGrains();
            // A quiet series is collected after Orleans' CollectionAge (it saves its snapshot first): memory follows the active series.
            silo.Services.Configure<GrainCollectionOptions>(orleansSection.GetSection("GrainCollection"));
            if (configuration.TracingEnabled())
            {
                silo.AddActivityPropagation();
            }

            if (redis is null)
            {
                silo.UseLocalhostClustering(orleans.SiloPort, orleans.GatewayPort);
                silo.AddOutageMemoryStorage();
                silo.UseInMemoryReminderService();
                return;
            }

            // A silo that stops writing its heartbeat for 2 x 10 s (not Orleans' default 2 x 30 s) is stale:
            // a replacement for a cluster's only silo can join 20 s after it died, not after a minute and more.
            // Orleans:Membership overrides any ClusterMembershipOptions.
            silo.Configure<ClusterMembershipOptions>(o => o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10));
            silo.Services.Configure<ClusterMembershipOptions>(orleansSection.GetSection("Membership"));

            // On Kubernetes the advertised address is the pod's IP (POD_IP through the downward API).
            var advertised = orleans.AdvertisedAddress.Length > 0 ? IPAddress.Parse(orleans.AdvertisedAddress) : IPAddress.Loopback;
            silo.ConfigureEndpoints(advertised, orleans.SiloPort, orleans.GatewayPort, listenOnAnyHostAddress: orleans.ListenOnAnyHostAddress);
            silo.UseRedisClustering(o => o.ConfigurationOptions = RedisOptions(redis));
            // Reminders bring back a series that still owes its parent a roll-up after its silo died.
            silo.UseRedisReminderService(o => o.ConfigurationOptions = RedisOptions(redis));
            silo.AddRedisGrainStorage(StorageNames.State, options => options.Configure<IServiceProvider>((o, services) =>
            {
                o.ConfigurationOptions = RedisOptions(redis);
                o.GrainStorageSerializer = StorageRegistration.StateSerializer(services);
            }));
            silo.Services.AddSingleton<OrleansGrainStorageSerializer>();
            // Snapshots in grain storage, and between them each batch's change in the series journal.
            silo.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(RedisOptions(redis)));
            silo.Services.AddSingleton<ISeriesJournal>(services => new RedisSeriesJournal(
                services.GetRequiredService<IConnectionMultiplexer>(),
                services.GetRequiredService<Orleans.Serialization.Serializer<SeriesChange>>(),
                services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ClusterOptions>>().Value.ServiceId));
        });
    }

    /// <summary>This process as an edge: gRPC only, an Orleans client that finds the silos' gateways through Redis.</summary>
    public static void AddOutageEdge(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var orleans = OrleansHostingOptions.From(configuration);
        var orleansSection = configuration.GetSection(OrleansHostingOptions.Section);
        var redis = configuration.GetConnectionString("Redis")
            ?? throw new InvalidOperationException("The edge role finds the silos through Redis: set ConnectionStrings:Redis.");
        AddRedisStartupGate(builder, redis);
        builder.Services.AddSingleton(_ => ServiceCatalog.CreateDefault());
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (orleans.ClusterId, orleans.ServiceId));
            // Refresh the list of gateways every 10 s rather than every minute, so that an edge finds a
            // replacement silo soon after its only silo died; Orleans:Gateway overrides any GatewayOptions.
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(10));
            client.Services.Configure<GatewayOptions>(orleansSection.GetSection("Gateway"));
            // A call sent to a silo that died without closing its connection fails after 10 s (Orleans'
            // default is 30 s, as long as most clients' deadlines): the edge answers UNAVAILABLE in time for a
            // retry. Orleans:Messaging overrides it.
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(10));
            client.Services.Configure<ClientMessagingOptions>(orleansSection.GetSection("Messaging"));
            client.UseRedisClustering(o => o.ConfigurationOptions = RedisOptions(redis));
            if (configuration.TracingEnabled())
            {
                client.AddActivityPropagation();
            }
        });
    }

    private static void AddRedisStartupGate(WebApplicationBuilder builder, string? redis)
    {
        if (redis is not null)
        {
            var wait = OutageHostOptions.From(builder.Configuration).RedisStartupTimeout;
            builder.Services.AddHostedService(sp => new RedisStartupGate(redis, wait, sp, sp.GetRequiredService<ILogger<RedisStartupGate>>()));
        }
    }

    /// <summary>Redis options that retry rather than fail when Redis is briefly unreachable at start-up.</summary>
    private static ConfigurationOptions RedisOptions(string connectionString)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false;
        return options;
    }

    /// <summary>The gRPC services, the per-process report aggregator and watch hub, catalog, options and health.</summary>
    public static void AddOutageServices(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        // A Redis failure inside a grain (a journal append that timed out) must reach the calling process, where it is
        // answered UNAVAILABLE. Orleans serializes exceptions of a few namespaces only: without this the answer itself
        // failed to serialize, and the caller waited for its response timeout with no answer at all.
        services.Configure<Orleans.Serialization.ExceptionSerializationOptions>(o => o.SupportedNamespacePrefixes.Add("StackExchange.Redis"));
        var host = OutageHostOptions.From(builder.Configuration);
        var clock = builder.Configuration.GetSection(ClockOptions.Section).Get<ClockOptions>() ?? new ClockOptions();
        services.TryAddKeyedSingleton(OutageClock.Key, clock.Speed == 1.0 ? TimeProvider.System : new ScaledTimeProvider(clock.Speed, clock.Epoch));
        services.AddOptions<Catalog.CatalogSyncOptions>().BindConfiguration(Catalog.CatalogSyncOptions.Section);
        services.AddSingleton<Catalog.CatalogSync>();
        services.AddHostedService(sp => sp.GetRequiredService<Catalog.CatalogSync>());
        // The status query serves timelines within the series' retention: an edge reads the same section.
        services.AddOptions<SeriesOptions>().BindConfiguration(SeriesOptions.Section);
        services.AddOptions<IntakeOptions>().BindConfiguration(IntakeOptions.Section);
        services.AddOptions<WatchOptions>().BindConfiguration(WatchOptions.Section);
        services.AddSingleton<ReportAggregator>();
        services.AddHostedService(sp => sp.GetRequiredService<ReportAggregator>());
        services.AddSingleton<WatchHub>();
        services.AddHostedService(sp => sp.GetRequiredService<WatchHub>());
        services.AddSingleton<ReportValidator>();
        services.AddSingleton<ReportHasher>();
        services.AddSingleton<ReportIntake>();
        services.AddWebReports();
        services.AddSingleton<Notifications.SubscriptionValidator>();
        services.AddSingleton<Notifications.SubscriptionCreation>();
        // The edge validates targets with the silos' SSRF rule and options (it holds no grains).
        services.AddOptions<Grains.Notifications.NotificationOptions>().BindConfiguration(Grains.Notifications.NotificationOptions.Section);
        services.TryAddSingleton<Grains.Notifications.NotificationSender>();
        services.Configure<HostOptions>(o => o.ShutdownTimeout = host.ShutdownTimeout);

        var grpc = services.AddGrpc(o =>
        {
            o.Interceptors.Add<ErrorMappingInterceptor>();
            o.Interceptors.Add<Security.QuotaInterceptor>();
            o.EnableDetailedErrors = builder.Environment.IsDevelopment();
        });
        services.AddGrpcReflection();
        services.AddStrictRequestParsing();
        // The same services as JSON over HTTP/1 (google.api.http rules in the protos): the status page's API.
        // Errors carry google.rpc details (BadRequest, RetryInfo) packed in Any: JSON needs their descriptors.
        grpc.AddJsonTranscoding(o => o.TypeRegistry = Google.Protobuf.Reflection.TypeRegistry.FromMessages(
            Google.Rpc.BadRequest.Descriptor, Google.Rpc.RetryInfo.Descriptor));
        // Embedded ingest is CPU-bound: at most 4 intake calls per core run at once, the rest wait their turn
        // without using the CPU, so that status queries (GetStatus, Watch) are answered promptly during a flood.
        // With Redis a call mostly waits for its journal appends, so many more run at once. The permit is taken
        // after the request is read (see IngestConcurrencyInterceptor: taken before, it deadlocks HTTP/2).
        // (1 per core was tried: faster reads, but a CI run of the status page's full-volume tour saw a rejected report
        // with it; docs/benchmarks.md, 2026-12-03.)
        var perCore = builder.Configuration.GetConnectionString("Redis") is null ? 4 : 64;
        var intake = builder.Configuration.GetSection(IntakeOptions.Section).Get<IntakeOptions>() ?? new IntakeOptions();
        var ingestConcurrency = intake.MaxConcurrentCalls ?? perCore * Environment.ProcessorCount;
        services.AddSingleton(new IngestConcurrency(ingestConcurrency));
        grpc.AddServiceOptions<ReportIntakeGrpcService>(o => o.Interceptors.Add<IngestConcurrencyInterceptor>());
        services.AddSingleton<ReadinessCheck>();
        services.AddGrpcHealthChecks()
            .AddCheck("self", () => Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy(), [HealthTags.Live])
            .AddCheck<ReadinessCheck>("ready", tags: [HealthTags.Ready])
            .AddCheck<Catalog.CatalogSync>("catalog", tags: [HealthTags.Ready]);
        services.Configure<global::Grpc.AspNetCore.HealthChecks.GrpcHealthChecksOptions>(o =>
        {
            // grpc.health.v1 service names for probes: "live" and "ready"; "" is everything.
            o.Services.Map(HealthTags.Live, r => r.Tags.Contains(HealthTags.Live));
            o.Services.Map(HealthTags.Ready, r => r.Tags.Contains(HealthTags.Ready));
        });
    }

    /// <summary>Health check tags, also the grpc.health.v1 service names of the probes.</summary>
    public static class HealthTags
    {
        public const string Live = "live";
        public const string Ready = "ready";
    }

    /// <summary>
    /// gRPC services, reflection and health on the gRPC endpoint; on the HTTP/1 endpoint the same services as JSON,
    /// the status page, plain HTTP health (and, in TelemetryExtensions, the metrics).
    /// </summary>
    public static void MapOutageEndpoints(this WebApplication app)
    {
        // SIGTERM: readiness turns false first, then (after an optional drain delay for load balancers to
        // notice) Kestrel stops accepting and finishes in-flight calls, the aggregator flushes its pending
        // reports, and the silo leaves the cluster.
        var readiness = app.Services.GetRequiredService<ReadinessCheck>();
        var drain = OutageHostOptions.From(app.Configuration).DrainDelay;
        app.Lifetime.ApplicationStopping.Register(() =>
        {
            readiness.MarkStopping();
            if (drain > TimeSpan.Zero)
            {
                Thread.Sleep(drain);
            }
        });

        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGrpcService<ReportIntakeGrpcService>().RequireAuthorization(Security.Scopes.ReportsWrite);
        app.MapGrpcService<StatusQueryGrpcService>().RequireAuthorization(Security.Scopes.StatusRead);
        app.MapGrpcService<AdminGrpcService>().RequireAuthorization(Security.Scopes.Admin);
        app.MapGrpcService<NotificationGrpcService>().RequireAuthorization(Security.Scopes.NotificationsWrite);
        app.MapEmailLinks();
        // Badges and feeds are reads: open to anonymous callers exactly when status reads are.
        var reads = app.MapGroup("").RequireAuthorization(Security.Scopes.StatusRead);
        reads.MapBadges();
        reads.MapFeeds();
        // The page's report button: open to anonymous reporters exactly when report intake is, with its own quotas.
        app.UseRateLimiter();
        var page = app.MapGroup("").RequireAuthorization(Security.Scopes.ReportsWrite);
        page.MapWebReports();
        page.MapEmailSignup();
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        app.MapHealthChecks("/healthz");
        app.MapHealthChecks("/healthz/live", new() { Predicate = r => r.Tags.Contains(HealthTags.Live) });
        app.MapHealthChecks("/healthz/ready", new() { Predicate = r => r.Tags.Contains(HealthTags.Ready) });
        // The status page: static files (wwwroot, no CDN) that call the JSON routes of the same gRPC services.
        app.UseDefaultFiles();
        app.UseStaticFiles();
    }
}
