using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Outage.Bench;

/// <summary>
/// A local webhook receiver (System.Net.HttpListener on loopback): answers 200 to every delivery and records, per series
/// named in the payload's <c>data.series</c>, when the first message about it arrived.
/// </summary>
internal sealed class WebhookReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentDictionary<string, (TaskCompletionSource<TimeSpan> Arrived, Stopwatch Clock)> _expected = new();

    private WebhookReceiver(int port)
    {
        Url = $"http://127.0.0.1:{port}/hook/";
        _listener.Prefixes.Add(Url);
    }

    /// <summary>The address to subscribe.</summary>
    public string Url { get; }

    public static WebhookReceiver Start()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var receiver = new WebhookReceiver(port);
        receiver._listener.Start();
        _ = receiver.ServeAsync();
        return receiver;
    }

    /// <summary>Completes with <paramref name="clock"/>'s time when a delivery names <paramref name="series"/> ("service/region").</summary>
    public Task<TimeSpan> Expect(string series, Stopwatch clock) =>
        _expected.GetOrAdd(series, _ => (new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously), clock)).Arrived.Task;

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            try
            {
                using var body = await JsonDocument.ParseAsync(context.Request.InputStream);
                foreach (var s in body.RootElement.GetProperty("data").GetProperty("series").EnumerateArray())
                {
                    if (_expected.TryGetValue($"{s.GetProperty("service_id").GetString()}/{s.GetProperty("region").GetString()}", out var waiter))
                    {
                        waiter.Arrived.TrySetResult(waiter.Clock.Elapsed);
                    }
                }

                context.Response.StatusCode = 200;
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                context.Response.StatusCode = 400;
            }

            context.Response.Close();
        }
    }

    public void Dispose() => _listener.Close();
}
