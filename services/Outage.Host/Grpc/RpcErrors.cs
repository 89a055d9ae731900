using System.Diagnostics.CodeAnalysis;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace Outage.Host.Grpc;

/// <summary>Raises gRPC errors with the rich error model (google.rpc.Status with details).</summary>
internal static class RpcErrors
{
    /// <summary>INVALID_ARGUMENT with a google.rpc.BadRequest naming every bad field.</summary>
    [DoesNotReturn]
    public static void InvalidArgument(IEnumerable<Contracts.V1.FieldViolation> violations)
    {
        var badRequest = new BadRequest();
        badRequest.FieldViolations.AddRange(violations.Select(v => new BadRequest.Types.FieldViolation { Field = v.Field, Description = v.Description }));
        var status = new Google.Rpc.Status
        {
            Code = (int)Code.InvalidArgument,
            Message = "Invalid request: " + string.Join("; ", badRequest.FieldViolations.Select(v => $"{v.Field} {v.Description}")),
            Details = { Any.Pack(badRequest) },
        };
        throw status.ToRpcException();
    }

    /// <summary>INVALID_ARGUMENT for one field.</summary>
    [DoesNotReturn]
    public static void InvalidArgument(string field, string description) =>
        InvalidArgument([new Contracts.V1.FieldViolation { Field = field, Description = description }]);

    /// <summary>RESOURCE_EXHAUSTED with a google.rpc.RetryInfo saying when to try again.</summary>
    public static RpcException ResourceExhausted(string message, TimeSpan retryAfter) => new Google.Rpc.Status
    {
        Code = (int)Code.ResourceExhausted,
        Message = message,
        Details = { Any.Pack(new RetryInfo { RetryDelay = Duration.FromTimeSpan(retryAfter) }) },
    }.ToRpcException();

    /// <summary>NOT_FOUND.</summary>
    [DoesNotReturn]
    public static void NotFound(string message) => throw new RpcException(new global::Grpc.Core.Status(StatusCode.NotFound, message));
}
