using System.Threading.RateLimiting;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Outage.Host.Ingest;

/// <summary>
/// Bounds the intake calls that run at once (the rest wait without using the CPU, so status queries stay fast during a
/// flood), taking the permit only once a call's request has been read.
/// </summary>
/// <remarks>
/// The limit used to be ASP.NET Core's rate-limiting middleware, which takes the permit before the request body is read.
/// Over HTTP/2 that deadlocks under a flood of batches: the calls holding the permits wait for their bodies, while the
/// connection's flow-control window is filled by the bodies of the calls queued for a permit, which nobody reads. The
/// family-outage tour at full volume stopped for good after about 56,000 reports. Here a unary call holds its permit
/// from the parsed request to its answer, and a client stream holds one per message while that message is handled,
/// never while waiting for the network.
/// </remarks>
internal sealed class IngestConcurrencyInterceptor(IngestConcurrency concurrency) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        using var lease = await concurrency.Limiter.AcquireAsync(1, context.CancellationToken);
        return await continuation(request, context);
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        using var reader = new PermitPerMessage<TRequest>(requestStream, concurrency.Limiter);
        return await continuation(reader, context);
    }

    /// <summary>A request stream that holds a permit from each message's arrival until the next one is asked for.</summary>
    private sealed class PermitPerMessage<T>(IAsyncStreamReader<T> inner, ConcurrencyLimiter limiter) : IAsyncStreamReader<T>, IDisposable
    {
        private RateLimitLease? _lease;

        public T Current => inner.Current;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            Release();
            if (!await inner.MoveNext(cancellationToken))
            {
                return false;
            }

            _lease = await limiter.AcquireAsync(1, cancellationToken);
            return true;
        }

        public void Dispose() => Release();

        private void Release()
        {
            _lease?.Dispose();
            _lease = null;
        }
    }
}
