using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;
using Outage.Grains.Abstractions;

namespace Outage.Grains.Tests;

/// <summary>
/// A status read does not queue behind the series' ingest: with the durable acknowledgement each batch waits for its
/// journal append (Redis, in production), and a read that waited behind every queued batch took the ingest's latency.
/// </summary>
/// <remarks>
/// A one-silo cluster of its own whose journal holds every append of one series at a gate, so "behind the ingest" is a
/// state the test controls rather than a race it hopes to win.
/// </remarks>
public sealed class StatusReadTests : IAsyncLifetime
{
    private const string HeldSeries = "discord/FR";
    private static readonly GatedJournal Journal = new(HeldSeries);
    private TestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(1);
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        Journal.Open();
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task APeekIsAnsweredWhileAnIngestWaitsOnItsJournal()
    {
        var series = _cluster.GrainFactory.GetGrain<ISeriesGrain>(HeldSeries);
        await series.IngestAsync([new IngestItem(1, 1, "login")]); // activates and counts one report
        Journal.Close();

        var held = series.IngestAsync([new IngestItem(2, 2, "login"), new IngestItem(3, 3, "login")]);
        await Journal.Waiting.WaitAsync(TimeSpan.FromSeconds(10));
        var queuedRead = series.GetStatusAsync();
        var peek = await series.PeekStatusAsync().WaitAsync(TimeSpan.FromSeconds(5));

        Assert.NotNull(peek);
        // The held batch is not acknowledged, so it is not in the figures: the report before it is.
        Assert.Equal(1, peek.Observed);
        Assert.False(held.IsCompleted);
        Assert.False(queuedRead.IsCompleted); // the read that closes buckets still waits its turn

        Journal.Open();
        await held.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(3, (await queuedRead.WaitAsync(TimeSpan.FromSeconds(10))).Observed);
    }

    /// <summary>A durable journal that keeps nothing and holds the appends of one series while its gate is closed.</summary>
    private sealed class GatedJournal(string heldSeries) : ISeriesJournal
    {
        private volatile TaskCompletionSource _gate = Opened();

        public SemaphoreSlim Waiting { get; } = new(0);

        public bool IsDurable => true;

        public void Close() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Open() => _gate.TrySetResult();

        public Task ClaimAsync(string series, string activation) => Task.CompletedTask;

        public Task<IReadOnlyList<SeriesChange>> ReadAsync(string series, long afterSequence) => Task.FromResult<IReadOnlyList<SeriesChange>>([]);

        public async Task AppendAsync(string series, string activation, IReadOnlyList<SeriesChange> changes)
        {
            var gate = _gate.Task;
            if (series == heldSeries && !gate.IsCompleted)
            {
                Waiting.Release();
                await gate;
            }
        }

        public Task TrimAsync(string series, string activation, long throughSequence) => Task.CompletedTask;

        private static TaskCompletionSource Opened()
        {
            var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            open.SetResult();
            return open;
        }
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            silo.Services.AddKeyedSingleton<TimeProvider>(OutageClock.Key, new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 9, 0, 30, TimeSpan.Zero)));
            silo.AddOutageGrains();
            silo.AddOutageMemoryStorage();
            silo.Services.AddSingleton<ISeriesJournal>(Journal);
            silo.UseInMemoryReminderService();
        }
    }
}
