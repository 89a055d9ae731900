using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using Microsoft.Extensions.Logging.Abstractions;
using Outage.Host.Grpc;

namespace Outage.Host.Tests;

[Collection(HostCollection.Name)]
public class PlumbingTests(OutageHostFactory host)
{
    [Fact]
    public async Task TheGrpcHealthServiceAnswersServing()
    {
        var response = await new Health.HealthClient(host.Channel()).CheckAsync(new HealthCheckRequest());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }

    [Fact]
    public async Task ReflectionListsTheOutageServices()
    {
        using var call = new ServerReflection.ServerReflectionClient(host.Channel()).ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext());

        var names = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.Contains("outage.v1.ReportIntakeService", names);
        Assert.Contains("outage.v1.StatusQueryService", names);
    }

    public static TheoryData<Exception, StatusCode> Failures() => new()
    {
        { new SiloUnavailableException("silo going away"), StatusCode.Unavailable },
        { new Orleans.Runtime.Messaging.ConnectionFailedException("connection to silo lost"), StatusCode.Unavailable },
        { new TimeoutException("grain call timed out"), StatusCode.Unavailable },
        { new InvalidOperationException("bug"), StatusCode.Internal },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task ClusterFailuresBecomeRetryableStatuses(Exception failure, StatusCode expected)
    {
        var interceptor = new ErrorMappingInterceptor(NullLogger<ErrorMappingInterceptor>.Instance);

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            interceptor.UnaryServerHandler<string, string>("request", new FakeCallContext(), (_, _) => throw failure));

        Assert.Equal(expected, error.StatusCode);
    }

    private sealed class FakeCallContext : ServerCallContext
    {
        protected override string MethodCore => "/outage.v1.ReportIntakeService/SubmitReport";
        protected override string HostCore => "localhost";
        protected override string PeerCore => "ipv4:127.0.0.1:1";
        protected override DateTime DeadlineCore => DateTime.MaxValue;
        protected override Metadata RequestHeadersCore => [];
        protected override CancellationToken CancellationTokenCore => CancellationToken.None;
        protected override Metadata ResponseTrailersCore => [];
        protected override Status StatusCore { get; set; }
        protected override WriteOptions? WriteOptionsCore { get; set; }
        protected override AuthContext AuthContextCore => new(null, []);
        protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) => throw new NotSupportedException();
        protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;
    }
}
