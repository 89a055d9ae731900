using System.Threading.RateLimiting;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Options;
using Outage.Host.Grpc;

namespace Outage.Host.Security;

/// <summary>
/// Quotas, with the token buckets and windows of System.Threading.RateLimiting (ASP.NET Core's rate limiter):
/// per API key at its own rate, per client address for anonymous callers, and per device for anonymous
/// reports. Applied only once keys are configured. A refusal is RESOURCE_EXHAUSTED with a google.rpc.RetryInfo.
/// </summary>
public sealed class Quotas : IDisposable
{
    private readonly AuthOptions _options;
    private readonly ApiKeyStore _keys;
    private readonly PartitionedRateLimiter<string> _calls;
    private readonly PartitionedRateLimiter<string> _devices;

    public Quotas(IOptions<AuthOptions> options, ApiKeyStore keys)
    {
        _options = options.Value;
        _keys = keys;
        var rates = _options.Keys.ToDictionary(k => "key:" + k.Name, k => k.CallsPerSecond, StringComparer.Ordinal);
        _calls = PartitionedRateLimiter.Create<string, string>(partition => RateLimitPartition.GetTokenBucketLimiter(partition, p => Bucket(
            rates.TryGetValue(p, out var rate) ? rate : _options.AnonymousCallsPerSecondPerAddress)));
        _devices = PartitionedRateLimiter.Create<string, string>(device => RateLimitPartition.GetFixedWindowLimiter(device, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = _options.AnonymousReportsPerMinutePerDevice, Window = TimeSpan.FromMinutes(1), QueueLimit = 0,
        }));
    }

    /// <summary>True when quotas apply (at least one key configured).</summary>
    public bool Enabled => _keys.Enabled;

    /// <summary>True when the call carries no API key.</summary>
    public static bool IsAnonymous(ServerCallContext context) => context.GetHttpContext().User.Identity?.IsAuthenticated != true;

    /// <summary>Takes one call from the caller's quota (its key's, or its address's when anonymous), or throws RESOURCE_EXHAUSTED.</summary>
    public void TakeCall(ServerCallContext context)
    {
        var http = context.GetHttpContext();
        var partition = http.User.Identity?.IsAuthenticated == true ? "key:" + http.User.Identity.Name : "addr:" + http.Connection.RemoteIpAddress;
        Take(_calls, partition, "Too many calls for this API key or client address.");
    }

    /// <summary>Takes one anonymous report from its device's quota, or throws RESOURCE_EXHAUSTED.</summary>
    public void TakeDeviceReport(string deviceId) => Take(_devices, deviceId, "Too many reports from this device.");

    private static void Take(PartitionedRateLimiter<string> limiter, string partition, string message)
    {
        using var lease = limiter.AttemptAcquire(partition);
        if (!lease.IsAcquired)
        {
            var retry = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
            throw RpcErrors.ResourceExhausted(message, retry);
        }
    }

    private static TokenBucketRateLimiterOptions Bucket(double perSecond) => new()
    {
        TokenLimit = Math.Max(1, (int)(perSecond * 2)),
        TokensPerPeriod = Math.Max(1, (int)Math.Ceiling(perSecond / 10)),
        ReplenishmentPeriod = TimeSpan.FromSeconds(Math.Max(1, (int)Math.Ceiling(perSecond / 10)) / perSecond),
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    public void Dispose()
    {
        _calls.Dispose();
        _devices.Dispose();
    }
}
