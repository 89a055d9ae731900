using Outage.Detection;
using System.Reflection;
using BenchmarkDotNet.Attributes;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Outage.Contracts.V1;
using Outage.Grains;
using Outage.Grains.Abstractions;
using Outage.Host.Grpc;
using Outage.Host.Ingest;

namespace Outage.Host.Benchmarks;

/// <summary>
/// The intake's hot path per report, apart from the network and the grain: validation against the catalog,
/// the two hashes (report id, keyed device hash), and the group-commit aggregator handing 1,000 reports of
/// 10 series to grains that answer at once (a proxy stands in for Orleans so only the aggregator is timed).
/// </summary>
[MemoryDiagnoser]
public class IntakeBenchmarks
{
    private readonly ReportValidator _validator = new(ServiceCatalog.CreateDefault(), TimeProvider.System);
    private readonly ReportHasher _hasher = new(Options.Create(new IntakeOptions()));
    private ReportAggregator _aggregator = null!;
    private Report _report = null!;
    private IngestItem _item;

    [GlobalSetup]
    public void Setup()
    {
        _report = new Report
        {
            ReportId = "3f0c1d7e-6a4b-4c38-9d1e-2b7f5a9c8e10", DeviceId = "device-0123456789abcdef", ServiceId = "facebook", Region = "US-CA",
            Category = "login", OccurredAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow), Platform = Platform.Android, AppVersion = "1.0",
        };
        _item = new IngestItem(1, 2, "login");
        _aggregator = new ReportAggregator(InstantGrains.Create(), Options.Create(new IntakeOptions()), NullLogger<ReportAggregator>.Instance);
    }

    [Benchmark]
    public int Validate() => _validator.Validate(_report).Count;

    [Benchmark]
    public ulong HashReportIdAndDevice() => _hasher.Keys(_report.DeviceId, _report.ReportId).Report;

    /// <summary>1,000 reports over 10 series through the aggregator; divide by 1,000 for the cost per report.</summary>
    [Benchmark(OperationsPerInvoke = 1000)]
    public async Task Aggregate1000()
    {
        var outcomes = new Task<IngestOutcome>[1000];
        for (var i = 0; i < outcomes.Length; i++)
        {
            outcomes[i] = _aggregator.SubmitAsync(SeriesKeys[i % SeriesKeys.Length], _item);
        }

        await Task.WhenAll(outcomes);
    }

    private static readonly SeriesKey[] SeriesKeys = Enumerable.Range(0, 10).Select(i => new SeriesKey("facebook", $"US-{i}")).ToArray();
}

/// <summary>An <see cref="IGrainFactory"/> whose series grains accept every report at once.</summary>
public class InstantGrains : DispatchProxy
{
    public static IGrainFactory Create() => DispatchProxy.Create<IGrainFactory, InstantGrains>();

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
        targetMethod is { Name: nameof(IGrainFactory.GetGrain) } && targetMethod.ReturnType == typeof(ISeriesGrain)
            ? DispatchProxy.Create<ISeriesGrain, InstantSeries>()
            : throw new NotSupportedException(targetMethod?.Name);
}

/// <summary>A series grain that answers ACCEPTED for every item of a batch without a network hop.</summary>
public class InstantSeries : DispatchProxy
{
    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => targetMethod?.Name switch
    {
        nameof(ISeriesGrain.IngestAsync) => Task.FromResult(Enumerable.Repeat(IngestOutcome.Accepted, ((IngestItem[])args![0]!).Length).ToArray().AsImmutable()),
        _ => throw new NotSupportedException(targetMethod?.Name),
    };
}
