using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;
using Outage.Contracts.V1;

namespace Outage.Integration.Tests;

/// <summary>TLS on the gRPC port from configuration alone (Kestrel's certificate settings), and client certificates required for mTLS.</summary>
public sealed class TlsTests : IDisposable
{
    private readonly RedisServer _redis = new();
    private readonly List<HostProcess> _hosts = [];
    private readonly string _folder = Directory.CreateTempSubdirectory("outage-tls-").FullName;

    public void Dispose()
    {
        foreach (var host in _hosts)
        {
            host.Dispose();
        }

        _redis.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private static X509Certificate2 SelfSigned(string subject)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={subject}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    private async Task<(HostProcess Host, X509Certificate2 Certificate)> StartAsync(string? clientCertificateMode)
    {
        var certificate = SelfSigned("outage-test-server");
        var path = Path.Combine(_folder, $"server-{Guid.NewGuid():N}.pfx");
        await File.WriteAllBytesAsync(path, certificate.Export(X509ContentType.Pfx, "test-password"));
        var settings = new Dictionary<string, string>
        {
            ["Kestrel__Endpoints__Grpc__Certificate__Path"] = path,
            ["Kestrel__Endpoints__Grpc__Certificate__Password"] = "test-password",
        };
        if (clientCertificateMode is not null)
        {
            settings["Kestrel__Endpoints__Grpc__ClientCertificateMode"] = clientCertificateMode;
        }

        var host = new HostProcess("silo", _redis.ConnectionString, "tls-" + Guid.NewGuid().ToString("N")[..8], settings, useTls: true);
        _hosts.Add(host);
        await host.WaitHealthyAsync(TimeSpan.FromSeconds(90));
        return (host, certificate);
    }

    /// <summary>A channel that trusts exactly the server's certificate (a partner would trust its CA), optionally presenting one of its own.</summary>
    private static GrpcChannel Channel(HostProcess host, X509Certificate2 server, X509Certificate2? client = null)
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetCertHashString() == server.GetCertHashString();
        if (client is not null)
        {
            handler.SslOptions.ClientCertificates = [client];
        }

        return GrpcChannel.ForAddress($"https://127.0.0.1:{host.GrpcPort}", new GrpcChannelOptions { HttpHandler = handler });
    }

    [Fact]
    public async Task TheGrpcPortServesTlsWithTheConfiguredCertificate()
    {
        var (host, certificate) = await StartAsync(clientCertificateMode: null);

        var services = await new StatusQueryService.StatusQueryServiceClient(Channel(host, certificate)).ListServicesAsync(new ListServicesRequest());

        Assert.Contains(services.Services, s => s.ServiceId == "facebook");
        // Cleartext HTTP/2 to the TLS port gets no answer.
        using var cleartext = GrpcChannel.ForAddress($"http://127.0.0.1:{host.GrpcPort}");
        await Assert.ThrowsAsync<RpcException>(() => new StatusQueryService.StatusQueryServiceClient(cleartext)
            .ListServicesAsync(new ListServicesRequest(), deadline: DateTime.UtcNow.AddSeconds(10)).ResponseAsync);
    }

    [Fact]
    public async Task WithClientCertificatesRequiredACallWithoutOneIsRefused()
    {
        var (host, certificate) = await StartAsync(clientCertificateMode: "RequireCertificate");

        var refused = await Assert.ThrowsAsync<RpcException>(() => new StatusQueryService.StatusQueryServiceClient(Channel(host, certificate))
            .ListServicesAsync(new ListServicesRequest(), deadline: DateTime.UtcNow.AddSeconds(10)).ResponseAsync);

        Assert.Equal(StatusCode.Unavailable, refused.StatusCode); // the TLS handshake fails: no HTTP/2 stream is ever opened
    }
}
