using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MimeKit;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Outage.Host.Tests;

/// <summary>A real SMTP server (the SmtpServer package) on a free loopback port, keeping every message it receives.</summary>
public sealed class SmtpTestServer : IDisposable
{
    private readonly SmtpServer.SmtpServer _server;
    private readonly CancellationTokenSource _stop = new();

    /// <summary>Starts the server.</summary>
    public SmtpTestServer()
    {
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var options = new SmtpServerOptionsBuilder().ServerName("localhost").Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, Port))).Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(Messages)); // not this: the server disposes the stores it is given after each session
        _server = new SmtpServer.SmtpServer(options, services);
        Running = _server.StartAsync(_stop.Token);
    }

    /// <summary>The server's run (faulted if it stopped on an error).</summary>
    public Task Running { get; }

    /// <summary>The port it listens on.</summary>
    public int Port { get; }

    /// <summary>Every message received, in order.</summary>
    public ConcurrentQueue<MimeMessage> Messages { get; } = new();

    private sealed class Store(ConcurrentQueue<MimeMessage> messages) : MessageStore
    {
        public override Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            messages.Enqueue(MimeMessage.Load(stream, cancellationToken));
            return Task.FromResult(SmtpResponse.Ok);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _stop.Cancel();
        _server.Shutdown();
        _stop.Dispose();
    }
}
