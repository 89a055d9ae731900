using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Options;

namespace Outage.Grains.OfficialStatus;

/// <summary>
/// Reads status page documents over HTTP, defensively: conditional requests (ETag / If-None-Match), a timeout for the whole
/// request, a cap on the answer's size, and no connection to a non-public address unless allowed (the SSRF rule: a
/// catalog entry must not make the silos probe the internal network). One instance per silo; safe for concurrent use.
/// </summary>
public sealed class StatuspageFetcher : IDisposable
{
    private readonly OfficialStatusOptions _options;
    private readonly HttpClient _http;

    /// <summary>Creates the fetcher and its connection pool.</summary>
    public StatuspageFetcher(IOptions<OfficialStatusOptions> options)
    {
        _options = options.Value;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false, // a redirect could lead anywhere: the configured URL is the one read
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
            ConnectCallback = new Outbound.PublicAddressConnector(_options.AllowPrivateAddresses, []).ConnectAsync,
        };
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Outage-StatusReader", "1"));
    }

    /// <summary>The document at <paramref name="url"/>, or <see cref="FetchResult.NotModified"/> when its ETag is still <paramref name="etag"/>.</summary>
    /// <exception cref="OfficialSourceException">The source did not answer with a usable document in time.</exception>
    public async Task<FetchResult> GetAsync(Uri url, string? etag, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Accept.ParseAdd("application/json");
            if (etag is { Length: > 0 } && EntityTagHeaderValue.TryParse(etag, out var tag))
            {
                request.Headers.IfNoneMatch.Add(tag);
            }

            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (response.StatusCode == HttpStatusCode.NotModified)
            {
                return FetchResult.NotModified;
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new OfficialSourceException($"{url} answered HTTP {(int)response.StatusCode}");
            }

            if (response.Content.Headers.ContentLength > _options.MaxResponseBytes)
            {
                throw new OfficialSourceException($"{url} answered {response.Content.Headers.ContentLength:N0} bytes, more than the {_options.MaxResponseBytes:N0} read");
            }

            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
            var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await body.ReadAsync(chunk, timeout.Token)) > 0)
            {
                if (buffer.Length + read > _options.MaxResponseBytes)
                {
                    throw new OfficialSourceException($"{url} answered more than the {_options.MaxResponseBytes:N0} bytes read");
                }

                buffer.Write(chunk, 0, read);
            }

            return new FetchResult(false, buffer.ToArray(), response.Headers.ETag?.ToString());
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new OfficialSourceException($"{url} did not answer within {_options.RequestTimeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException e)
        {
            throw new OfficialSourceException($"{url} is unreachable ({e.InnerException?.Message ?? e.Message})", e);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}
