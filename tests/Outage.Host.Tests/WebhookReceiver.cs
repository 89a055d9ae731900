using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Outage.Host.Tests;

/// <summary>
/// A real HTTP receiver (Kestrel on loopback) that records every POST it gets (headers and body) and answers with the
/// statuses it is told to, in order (then 200 OK).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(int Status, string? RetryAfter)> _answers = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _hanging = new();

    /// <summary>One request received.</summary>
    public sealed record Received(string Path, IReadOnlyDictionary<string, string> Headers, string Body, int AnsweredWith, DateTime At)
    {
        /// <summary>The <c>webhook-id</c> header.</summary>
        public string Id => Headers.GetValueOrDefault("webhook-id", "");

        /// <summary>The body as JSON.</summary>
        public System.Text.Json.JsonElement Json => System.Text.Json.JsonDocument.Parse(Body).RootElement;
    }

    private WebhookReceiver(WebApplication app) => _app = app;

    /// <summary>Every request received, in order.</summary>
    public ConcurrentQueue<Received> Requests { get; } = new();

    /// <summary>The receiver's base address, such as <c>http://127.0.0.1:PORT</c>.</summary>
    public string Address => _app.Urls.First();

    /// <summary>Starts a receiver on <paramref name="port"/> of loopback (0: a free port).</summary>
    public static async Task<WebhookReceiver> StartAsync(int port = 0)
    {
        // A content root of its own: the host's appsettings.json beside the tests would bind the host's ports.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = Directory.CreateTempSubdirectory("receiver-").FullName });
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/{**path}", receiver.ReceiveAsync);
        await app.StartAsync();
        return receiver;
    }

    /// <summary>Answers the next requests with these statuses (then 200), with a <c>Retry-After</c> where given.</summary>
    public void AnswerNext(params (int Status, string? RetryAfter)[] answers)
    {
        foreach (var a in answers)
        {
            _answers.Enqueue(a);
        }
    }

    /// <summary>Requests to <paramref name="path"/> get no answer until the returned source is completed (a receiver that hangs).</summary>
    public TaskCompletionSource Hang(string path) => _hanging.GetOrAdd(path, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>The requests to <paramref name="path"/>.</summary>
    public List<Received> To(string path) => Requests.Where(r => r.Path == path).ToList();

    private async Task ReceiveAsync(HttpContext http)
    {
        using var reader = new StreamReader(http.Request.Body);
        var body = await reader.ReadToEndAsync();
        var (status, retryAfter) = _answers.TryDequeue(out var a) ? a : (200, null);
        var headers = http.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
        Requests.Enqueue(new Received(http.Request.Path.Value ?? "", headers, body, status, DateTime.UtcNow));
        if (_hanging.TryGetValue(http.Request.Path.Value ?? "", out var hang))
        {
            await hang.Task.WaitAsync(http.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        if (retryAfter is not null)
        {
            http.Response.Headers.RetryAfter = retryAfter;
        }

        http.Response.StatusCode = status;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
