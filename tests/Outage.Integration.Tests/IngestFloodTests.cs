using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Outage.Contracts.V1;

namespace Outage.Integration.Tests;

/// <summary>A flood of large batches over one HTTP/2 connection, more than the intake lets run at once.</summary>
public sealed class IngestFloodTests : IDisposable
{
    private readonly RedisServer _redis = new();
    private HostProcess? _host;

    public void Dispose()
    {
        _host?.Dispose();
        _redis.Dispose();
    }

    /// <summary>
    /// Regression: the intake's concurrency limit took its permit before the request body was read, so the calls holding
    /// the permits waited for bodies that could not arrive (the connection's flow-control window was full of the queued
    /// calls' bodies) and intake stopped for good; the family-outage tour at full volume stopped after about 56,000 reports.
    /// </summary>
    [Fact]
    public async Task BatchesQueuedBehindTheConcurrencyLimitAllComplete()
    {
        _host = new HostProcess("silo", _redis.ConnectionString, $"flood-{Guid.NewGuid():N}", new Dictionary<string, string>
        {
            ["Outage__Intake__MaxConcurrentCalls"] = "1",
        });
        await _host.WaitHealthyAsync(TimeSpan.FromSeconds(60));
        using var channel = GrpcChannel.ForAddress(_host.Address);
        var intake = new ReportIntakeService.ReportIntakeServiceClient(channel);

        // 32 batches of 1,000 reports with long ids: about 5 MB in flight on one connection, several times its window.
        var padding = new string('x', 40); // ids may be 64 (report) and 128 (device) characters
        var calls = Enumerable.Range(0, 32).Select(b =>
        {
            var request = new SubmitReportsRequest();
            for (var i = 0; i < 1000; i++)
            {
                request.Reports.Add(new Report
                {
                    ReportId = $"flood-{b}-{i}-{padding}", DeviceId = $"device-{b}-{i}-{padding}{padding}", ServiceId = "facebook", Region = "US",
                    Category = "login", OccurredAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow), Platform = Platform.Partner,
                });
            }

            return intake.SubmitReportsAsync(request, deadline: DateTime.UtcNow.AddSeconds(60)).ResponseAsync;
        }).ToArray();

        var responses = await Task.WhenAll(calls);

        Assert.All(responses, r => Assert.Equal(1000, r.Results.Count));
        Assert.Equal(32_000, responses.Sum(r => r.Results.Count(x => x.Outcome == ReportOutcome.Accepted)));
    }
}
