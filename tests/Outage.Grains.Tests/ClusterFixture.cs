using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;
using Outage.Grains.Abstractions;

namespace Outage.Grains.Tests;

/// <summary>A real two-silo cluster (in process) with the series, feed and incident grains and a fake product clock.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    /// <summary>The product clock shared by both silos.</summary>
    public static FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));

    public TestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.GrainFactory;

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(2);
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            silo.Services.AddKeyedSingleton<TimeProvider>(OutageClock.Key, Clock);
            silo.AddOutageGrains();
            silo.AddOutageMemoryStorage();
            silo.UseInMemoryReminderService();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
