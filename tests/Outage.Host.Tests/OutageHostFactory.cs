using System.Net;
using System.Net.Sockets;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Outage.Contracts.V1;
using Outage.Grains;
using Outage.Grains.Abstractions;

namespace Outage.Host.Tests;

/// <summary>
/// The real host (silo, gRPC services, aggregator, watch hub) on an in-memory TestServer, its own
/// Orleans ports, and a fake product clock that tests move by hand.
/// </summary>
public class OutageHostFactory : WebApplicationFactory<Program>
{
    /// <summary>The product clock, starting at a fixed instant.</summary>
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 24, 15, 30, 0, TimeSpan.Zero));

    private readonly CapturedLog _log = new();

    /// <summary>Where this host keeps the hash of its first-start admin key (a fresh file per host unless a test shares one).</summary>
    public string AdminKeyFile { get; init; } = Path.Combine(Path.GetTempPath(), "outage-tests", Guid.NewGuid().ToString("N"), "admin-key.sha256");

    /// <summary>What the host logged, as text (the first-start admin key among it).</summary>
    public string LogText => _log.Text;

    /// <summary>The first-start admin key as the host printed it, or null if it printed none.</summary>
    public string? PrintedAdminKey => System.Text.RegularExpressions.Regex.Match(LogText, @"outage_admin_[A-Za-z0-9_-]{43}") is { Success: true } m ? m.Value : null;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Outage:Auth:AdminKeyFile", AdminKeyFile);
        builder.UseSetting("Logging:LogLevel:Outage.Host.Security.AdminKeyBootstrap", "Information");
        builder.ConfigureLogging(logging => logging.AddProvider(_log));
        builder.UseSetting("Orleans:SiloPort", FreePort().ToString());
        builder.UseSetting("Orleans:GatewayPort", FreePort().ToString());
        builder.UseSetting("Orleans:ClusterId", "test-" + Guid.NewGuid().ToString("N"));
        builder.ConfigureServices(services =>
        {
            services.RemoveAllKeyed<TimeProvider>(OutageClock.Key);
            services.AddKeyedSingleton<TimeProvider>(OutageClock.Key, Clock);
        });
    }

    /// <summary>A gRPC channel over the TestServer's HTTP/2 handler.</summary>
    public GrpcChannel Channel() =>
        GrpcChannel.ForAddress(Server.BaseAddress, new GrpcChannelOptions { HttpHandler = Server.CreateHandler() });

    public ReportIntakeService.ReportIntakeServiceClient Intake() => new(Channel());

    public StatusQueryService.StatusQueryServiceClient Query() => new(Channel());

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>One host shared by the tests of a collection; each test uses its own services or regions.</summary>
[CollectionDefinition(Name)]
public sealed class HostCollection : ICollectionFixture<OutageHostFactory>
{
    public const string Name = "host";
}
