using System.Collections.Concurrent;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Outage.Contracts.V1;

namespace Outage.Integration.Tests;

/// <summary>
/// Sends batches of unique reports and retries every failed batch, with the same report ids, on another
/// endpoint: what a well-behaved client does when a silo goes away.
/// </summary>
internal sealed class LoadDriver(Func<IReadOnlyList<string>> endpoints)
{
    public static readonly (string Service, string Region)[] Series =
    [
        ("discord", "SE"), ("discord", "NO"), ("steam", "PL"), ("steam", "PL-MZ"), ("gmail", "JP"), ("youtube", "BR"), ("x", "US-CA"), ("telegram", "DE"),
    ];

    private readonly ConcurrentDictionary<string, GrpcChannel> _channels = new();
    private int _sequence;

    /// <summary>Reports acknowledged per series: ACCEPTED, or DUPLICATE on a retry (counted by an earlier attempt whose answer was lost).</summary>
    public ConcurrentDictionary<(string Service, string Region), int> Acknowledged { get; } = new();

    /// <summary>Failed attempts by status code (each was retried).</summary>
    public ConcurrentDictionary<StatusCode, int> Failures { get; } = new();

    public int Accepted;
    public int DuplicatesOnRetry;
    public int Retries;

    /// <summary>New report ids answered DUPLICATE on their first attempt (fingerprint collisions in the dedupe table).</summary>
    public int FalseDuplicates;

    /// <summary>When the first attempt failed (UTC), or default.</summary>
    public DateTime FirstFailure;

    public ReportIntakeService.ReportIntakeServiceClient Intake(string address) =>
        new(_channels.GetOrAdd(address, a => GrpcChannel.ForAddress(a)));

    public StatusQueryService.StatusQueryServiceClient Query(string address) =>
        new(_channels.GetOrAdd(address, a => GrpcChannel.ForAddress(a)));

    public AdminService.AdminServiceClient Admin(string address) =>
        new(_channels.GetOrAdd(address, a => GrpcChannel.ForAddress(a)));

    /// <summary>
    /// Runs <paramref name="workers"/> workers sending <paramref name="batches"/> batches each (or until <paramref name="stop"/>,
    /// after the batch in hand is acknowledged); <paramref name="afterBatch"/> sees the global batch count.
    /// </summary>
    public Task RunAsync(int workers, int batches, int batchSize, Action<int>? afterBatch = null, CancellationToken stop = default)
    {
        var sent = 0;
        return Task.WhenAll(Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
        {
            for (var b = 0; b < batches && !stop.IsCancellationRequested; b++)
            {
                await SendAsync(worker, batchSize);
                afterBatch?.Invoke(Interlocked.Increment(ref sent));
            }
        })));
    }

    private async Task SendAsync(int worker, int batchSize)
    {
        var request = new SubmitReportsRequest();
        for (var i = 0; i < batchSize; i++)
        {
            var n = Interlocked.Increment(ref _sequence);
            var (service, region) = Series[n % Series.Length];
            request.Reports.Add(new Report
            {
                ReportId = $"r{n}", DeviceId = $"device-{n}", ServiceId = service, Region = region, Category = "login",
                OccurredAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow), Platform = Platform.Partner,
            });
        }

        // Retry for up to 90 s: membership takes 10 to 15 s to declare a killed silo dead, and quick
        // UNAVAILABLE answers in the meantime must not exhaust a count-based budget.
        var giveUp = DateTime.UtcNow.AddSeconds(90);
        for (var attempt = 0; ; attempt++)
        {
            var live = endpoints();
            var address = live[(worker + attempt) % live.Count];
            try
            {
                var response = await Intake(address).SubmitReportsAsync(request, deadline: DateTime.UtcNow.AddSeconds(15));
                for (var i = 0; i < response.Results.Count; i++)
                {
                    var outcome = response.Results[i].Outcome;
                    if (outcome == ReportOutcome.Accepted || (outcome == ReportOutcome.Duplicate && attempt > 0))
                    {
                        var key = (request.Reports[i].ServiceId, request.Reports[i].Region);
                        Acknowledged.AddOrUpdate(key, 1, (_, c) => c + 1);
                        Interlocked.Increment(ref outcome == ReportOutcome.Accepted ? ref Accepted : ref DuplicatesOnRetry);
                    }
                    else if (outcome == ReportOutcome.Duplicate)
                    {
                        // A report id never sent before, taken for a duplicate: the dedupe table keeps 32-bit fingerprints,
                        // so about Count / 2^32 of new ids are (documented in FingerprintTable). It was not counted, and it
                        // is not acknowledged: the exact count check still holds.
                        Interlocked.Increment(ref FalseDuplicates);
                    }
                    else
                    {
                        throw new InvalidOperationException($"unexpected outcome {outcome} for {request.Reports[i].ReportId} on attempt {attempt}");
                    }
                }

                return;
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Internal or StatusCode.Unknown && DateTime.UtcNow < giveUp)
            {
                Interlocked.Increment(ref Retries);
                Failures.AddOrUpdate(e.StatusCode, 1, (_, c) => c + 1);
                if (FirstFailure == default)
                {
                    FirstFailure = DateTime.UtcNow;
                }
                await Task.Delay(300);
            }
        }
    }
}
