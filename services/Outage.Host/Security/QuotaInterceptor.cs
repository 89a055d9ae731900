using System.Threading.RateLimiting;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Options;
using Outage.Host.Grpc;

namespace Outage.Host.Security;

/// <summary>Takes every intake and query call from the caller's quota before it runs.</summary>
internal sealed class QuotaInterceptor(Quotas quotas) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Take(context);
        return continuation(request, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Take(context);
        return continuation(requestStream, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Take(context);
        return continuation(request, responseStream, context);
    }

    private void Take(ServerCallContext context)
    {
        // Health and reflection are never limited: probes must get through during a flood.
        if (quotas.Enabled && context.Method.StartsWith("/outage.", StringComparison.Ordinal))
        {
            quotas.TakeCall(context);
        }
    }
}
