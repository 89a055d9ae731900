using BenchmarkDotNet.Attributes;
using Outage.Detection;
using Outage.Detection.Simulation;

namespace Outage.Detection.Benchmarks;

/// <summary>The detector's hot path: one bucket stepped on a warmed-up series, and saving its state.</summary>
[MemoryDiagnoser]
public class DetectorBenchmarks
{
    private const int Buckets = 1440;
    private SeriesDetector _warm = null!;
    private byte[] _state = null!;
    private BucketObservation[] _day = null!;
    private readonly DetectorSettings _settings = new();

    [Params(0.1, 30)]
    public double ReportsPerMinute { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var sampler = new CountSampler(5);
        var start = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var categories = new Dictionary<string, int> { ["login"] = 3, ["feed"] = 2 };
        BucketObservation At(int minute)
        {
            var count = sampler.NegativeBinomial(ReportsPerMinute, 0.02);
            return new BucketObservation(start.AddMinutes(minute), count, count, count > 0 ? categories : null);
        }

        _warm = new SeriesDetector(_settings);
        for (var i = 0; i < 7 * Buckets; i++)
        {
            _warm.Step(At(i));
        }

        _state = _warm.Save();
        _day = Enumerable.Range(7 * Buckets, Buckets).Select(At).ToArray();
    }

    /// <summary>A day of one-minute buckets on a restored series: divide by 1,440 for one step.</summary>
    [Benchmark(OperationsPerInvoke = Buckets)]
    public DisruptionLevel StepBucket()
    {
        var detector = SeriesDetector.Restore(_settings, _state);
        var level = DisruptionLevel.Normal;
        foreach (var bucket in _day)
        {
            level = detector.Step(bucket).Level;
        }

        return level;
    }

    [Benchmark]
    public byte[] SaveState() => _warm.Save();

    [Benchmark]
    public SeriesDetector RestoreState() => SeriesDetector.Restore(_settings, _state);
}
