using System.Reflection;
using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Outage.Host.Grpc;

/// <summary>
/// Answers INVALID_ARGUMENT, with a google.rpc.BadRequest, to a request whose bytes are not a protobuf
/// message of its type. grpc-dotnet reads the request before any interceptor or service code runs, and
/// answers UNKNOWN when the generated parser throws; the client sent bad input and should be told so.
/// </summary>
/// <remarks>
/// grpc-dotnet binds generated services with an internal method provider that has no hook for the
/// request marshaller, so this one replaces it: it binds the same methods, with the same endpoint metadata
/// (type attributes, then method attributes, then POST with CORS preflight), the same invokers, and request
/// marshallers that turn <see cref="InvalidProtocolBufferException"/> into INVALID_ARGUMENT.
/// </remarks>
internal static class StrictRequestParsing
{
    /// <summary>Binds every gRPC service of the host with strict request parsing.</summary>
    public static void AddStrictRequestParsing(this IServiceCollection services)
    {
        services.RemoveAll(typeof(IServiceMethodProvider<>));
        services.AddSingleton(typeof(IServiceMethodProvider<>), typeof(StrictServiceMethodProvider<>));
    }

    /// <summary>A request marshaller that reports undecodable bytes as INVALID_ARGUMENT.</summary>
    public static Marshaller<T> Strict<T>(Marshaller<T> inner) => new(inner.ContextualSerializer, context =>
    {
        try
        {
            return inner.ContextualDeserializer(context);
        }
        catch (InvalidProtocolBufferException e)
        {
            RpcErrors.InvalidArgument("(request)", $"is not a valid {typeof(T).Name} protobuf message: {e.Message}");
            throw; // not reached
        }
    });

    /// <summary>Finds the generated <c>BindService(ServiceBinderBase, TServiceBase)</c> of a service and binds its methods strictly.</summary>
    private sealed class StrictServiceMethodProvider<TService> : IServiceMethodProvider<TService> where TService : class
    {
        public void OnServiceMethodDiscovery(ServiceMethodProviderContext<TService> context)
        {
            var attribute = typeof(TService).GetCustomAttribute<BindServiceMethodAttribute>(inherit: true);
            var bind = attribute?.BindType.GetMethods(BindingFlags.Public | BindingFlags.Static)
                .FirstOrDefault(m => m.Name == attribute.BindMethodName && m.GetParameters() is [{ ParameterType: var b }, _] && b == typeof(ServiceBinderBase));
            if (bind is not null)
            {
                bind.Invoke(null, [new Binder<TService>(context, bind.GetParameters()[1].ParameterType), null]);
            }
        }
    }

    /// <summary>Adds each method the generated code binds, with a strict request marshaller and the service's own override as the invoker.</summary>
    private sealed class Binder<TService>(ServiceMethodProviderContext<TService> context, Type serviceBase) : ServiceBinderBase where TService : class
    {
        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Model<UnaryServerMethod<TService, TRequest, TResponse>>(method.Name, typeof(TRequest), typeof(ServerCallContext));
            context.AddUnaryMethod(StrictMethod(method), metadata, invoker);
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Model<ServerStreamingServerMethod<TService, TRequest, TResponse>>(method.Name, typeof(TRequest), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext));
            context.AddServerStreamingMethod(StrictMethod(method), metadata, invoker);
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Model<ClientStreamingServerMethod<TService, TRequest, TResponse>>(method.Name, typeof(IAsyncStreamReader<TRequest>), typeof(ServerCallContext));
            context.AddClientStreamingMethod(StrictMethod(method), metadata, invoker);
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Model<DuplexStreamingServerMethod<TService, TRequest, TResponse>>(method.Name, typeof(IAsyncStreamReader<TRequest>), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext));
            context.AddDuplexStreamingMethod(StrictMethod(method), metadata, invoker);
        }

        private static Method<TRequest, TResponse> StrictMethod<TRequest, TResponse>(Method<TRequest, TResponse> method) =>
            new(method.Type, method.ServiceName, method.Name, Strict(method.RequestMarshaller), method.ResponseMarshaller);

        /// <summary>The service's override of the generated method as an open-instance delegate, and its endpoint metadata.</summary>
        private (TDelegate Invoker, List<object> Metadata) Model<TDelegate>(string name, params Type[] parameters) where TDelegate : Delegate
        {
            var handler = Override(name, parameters) ?? throw new InvalidOperationException($"{typeof(TService).Name} does not implement {name}.");
            var metadata = new List<object>();
            metadata.AddRange(typeof(TService).GetCustomAttributes(inherit: true)); // type first: lower priority
            metadata.AddRange(handler.GetCustomAttributes(inherit: true));
            metadata.Add(new HttpMethodMetadata(["POST"], acceptCorsPreflight: true));
            return ((TDelegate)Delegate.CreateDelegate(typeof(TDelegate), handler), metadata);
        }

        /// <summary>The public override of the generated base's virtual method (a method that merely hides it does not count).</summary>
        private MethodInfo? Override(string name, Type[] parameters)
        {
            for (var type = typeof(TService); type is not null; type = type.BaseType)
            {
                var method = type.GetMethod(name, BindingFlags.Public | BindingFlags.Instance, parameters);
                if (method is null)
                {
                    return null;
                }

                if (method.IsVirtual && method.GetBaseDefinition().DeclaringType == serviceBase)
                {
                    return method;
                }
            }

            return null;
        }
    }
}
