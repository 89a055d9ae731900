using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Outage.Host.Tests;

/// <summary>
/// A real HTTP server (Kestrel on loopback) serving status pages in the Atlassian Statuspage format, one per path prefix
/// (<c>/{page}/api/v2/summary.json</c> and <c>incidents.json</c>), with ETags; each page can be switched to misbehave.
/// </summary>
public sealed class StatuspageServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Page> _pages = new(StringComparer.Ordinal);

    /// <summary>How a page answers.</summary>
    public enum Behaviour { Good, Garbage, Huge, Hang }

    private sealed class Page
    {
        public volatile Behaviour Behaviour;
        public volatile string Summary = "";
        public volatile string Incidents = "";
        public int Requests;
        public int NotModified;
    }

    private StatuspageServer(WebApplication app) => _app = app;

    /// <summary>The server's base address, such as <c>http://127.0.0.1:PORT/</c>.</summary>
    public string Address => _app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
        .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First() + "/";

    /// <summary>Starts the server on a free loopback port.</summary>
    public static async Task<StatuspageServer> StartAsync()
    {
        // A content root of its own: the host's appsettings.json beside the tests would bind the host's ports.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = Directory.CreateTempSubdirectory("statuspage-").FullName });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new StatuspageServer(app);
        app.MapGet("/{page}/api/v2/{document}", server.ServeAsync);
        await app.StartAsync();
        return server;
    }

    /// <summary>The API URL of <paramref name="page"/>, as a service's official source names it.</summary>
    public string Url(string page) => $"{Address}{page}/api/v2/";

    /// <summary>Publishes a page: its components (name, status) and incidents (id, name, components, updates).</summary>
    public void Publish(string page, IEnumerable<(string Name, string Status)> components,
        IEnumerable<(string Id, string Name, string[] Components, (string Id, string Status, string Body, DateTimeOffset At)[] Updates)> incidents)
    {
        static string Q(string s) => System.Text.Json.JsonSerializer.Serialize(s);
        var pageJson = $"\"page\":{{\"id\":\"{page}\",\"name\":{Q("Status of " + page)},\"url\":\"https://status.example.com\"}}";
        var componentsJson = string.Join(",", components.Select(c => $"{{\"id\":{Q(c.Name)},\"name\":{Q(c.Name)},\"status\":{Q(c.Status)}}}"));
        var incidentsJson = string.Join(",", incidents.Select(i =>
            $"{{\"id\":{Q(i.Id)},\"name\":{Q(i.Name)},\"status\":{Q(i.Updates[^1].Status)},\"impact\":\"major\"," +
            $"\"components\":[{string.Join(",", i.Components.Select(c => $"{{\"name\":{Q(c)}}}"))}]," +
            $"\"incident_updates\":[{string.Join(",", i.Updates.Select(u => $"{{\"id\":{Q(u.Id)},\"status\":{Q(u.Status)},\"body\":{Q(u.Body)},\"created_at\":{Q(u.At.ToString("O"))}}}"))}]}}"));
        var p = _pages.GetOrAdd(page, _ => new Page());
        p.Summary = $"{{{pageJson},\"components\":[{componentsJson}],\"incidents\":[{incidentsJson}],\"status\":{{\"indicator\":\"none\"}}}}";
        p.Incidents = $"{{{pageJson},\"incidents\":[{incidentsJson}]}}";
    }

    /// <summary>Switches how <paramref name="page"/> answers.</summary>
    public void Set(string page, Behaviour behaviour) => _pages.GetOrAdd(page, _ => new Page()).Behaviour = behaviour;

    /// <summary>Requests the page has had, and how many of them were answered 304 Not Modified.</summary>
    public (int Requests, int NotModified) Counts(string page) => _pages.TryGetValue(page, out var p) ? (p.Requests, p.NotModified) : (0, 0);

    private async Task ServeAsync(HttpContext http, string page, string document)
    {
        var p = _pages.GetOrAdd(page, _ => new Page());
        Interlocked.Increment(ref p.Requests);
        switch (p.Behaviour)
        {
            case Behaviour.Garbage:
                http.Response.ContentType = "application/json";
                await http.Response.WriteAsync("<html>Bad gateway</html>{\"page\":");
                return;
            case Behaviour.Huge:
                // 10 MB, without a Content-Length: the reader must stop counting on its own.
                http.Response.ContentType = "application/json";
                var chunk = Encoding.UTF8.GetBytes(new string(' ', 64 * 1024));
                for (var i = 0; i < 160 && !http.RequestAborted.IsCancellationRequested; i++)
                {
                    await http.Response.Body.WriteAsync(chunk, http.RequestAborted);
                }

                return;
            case Behaviour.Hang:
                await Task.Delay(TimeSpan.FromMinutes(5), http.RequestAborted).ContinueWith(_ => { });
                return;
        }

        var body = document switch { "summary.json" => p.Summary, "incidents.json" => p.Incidents, _ => "" };
        if (body.Length == 0)
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body)))[..16] + "\"";
        if (http.Request.Headers.IfNoneMatch.ToString() == etag)
        {
            Interlocked.Increment(ref p.NotModified);
            http.Response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        http.Response.Headers.ETag = etag;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(body);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
