using System.Threading.RateLimiting;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Outage.Host.Ingest;

/// <summary>The process's bound on intake calls running at once (<c>Outage:Intake:MaxConcurrentCalls</c>).</summary>
/// <param name="permits">Calls that may run at once; the rest wait in arrival order.</param>
internal sealed class IngestConcurrency(int permits) : IDisposable
{
    /// <summary>The limiter: that many permits at once, an unbounded queue in arrival order.</summary>
    public ConcurrencyLimiter Limiter { get; } = new(new ConcurrencyLimiterOptions
    {
        PermitLimit = permits,
        QueueLimit = int.MaxValue,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    public void Dispose() => Limiter.Dispose();
}
