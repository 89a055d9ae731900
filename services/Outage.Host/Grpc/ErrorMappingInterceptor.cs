using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Outage.Host.Grpc;

/// <summary>
/// Maps cluster failures to retryable gRPC statuses: a call that hits a silo going away answers
/// UNAVAILABLE (clients retry with the same report_id), never UNKNOWN; anything unexpected is logged
/// and answers INTERNAL without leaking details.
/// </summary>
internal sealed partial class ErrorMappingInterceptor(ILogger<ErrorMappingInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception e) when (Map(e, context) is { } mapped)
        {
            throw mapped;
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(requestStream, context);
        }
        catch (Exception e) when (Map(e, context) is { } mapped)
        {
            throw mapped;
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception e) when (Map(e, context) is { } mapped)
        {
            throw mapped;
        }
    }

    private RpcException? Map(Exception e, ServerCallContext context)
    {
        switch (e)
        {
            case RpcException:
                return null;
            case OperationCanceledException when context.CancellationToken.IsCancellationRequested:
                return new RpcException(new Status(StatusCode.Cancelled, "The call was cancelled."));
            // Cancelled, but not by the caller: a message that expired in the cluster (placement waiting on a new activation
            // whose storage is stalled) or a process shutting down. The cluster could not answer in time; a retry may.
            case OperationCanceledException:
            case SiloUnavailableException or OrleansMessageRejectionException or Orleans.Runtime.Messaging.ConnectionFailedException or TimeoutException
                or StackExchange.Redis.RedisException or Orleans.Persistence.Redis.RedisStorageException
                // Two activations briefly wrote one grain during a failover; the loser deactivates and a retry reads the winner's state.
                or Orleans.Storage.InconsistentStateException:
                LogUnavailable(logger, context.Method, e.GetType().Name);
                return new RpcException(new Status(StatusCode.Unavailable, "The cluster is changing; retry with the same report_id."));
            default:
                LogUnexpected(logger, e, context.Method);
                return new RpcException(new Status(StatusCode.Internal, "Internal error."));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method}: cluster unavailable ({Exception}); answered UNAVAILABLE.")]
    private static partial void LogUnavailable(ILogger logger, string method, string exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method}: unexpected error.")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string method);
}
