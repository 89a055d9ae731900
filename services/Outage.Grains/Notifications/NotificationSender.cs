using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using Outage.Grains.Abstractions;
using Outage.Grains.Abstractions.Notifications;
using Outage.Grains.Outbound;
using StandardWebhooks;

namespace Outage.Grains.Notifications;

/// <summary>
/// Makes delivery attempts: webhooks signed as Standard Webhooks v1, Slack incoming-webhook messages, e-mail over SMTP
/// (MailKit). One instance per silo; one attempt never takes longer than <see cref="NotificationOptions.RequestTimeout"/>;
/// redirects are not followed and targets on non-public addresses are refused at connect time (the SSRF rule).
/// </summary>
public sealed class NotificationSender : IDisposable
{
    private readonly NotificationOptions _options;
    private readonly ServiceCatalog _catalog;
    private readonly HttpClient _http;

    /// <summary>Creates the sender and its connection pool.</summary>
    public NotificationSender(IOptions<NotificationOptions> options, ServiceCatalog catalog)
    {
        _options = options.Value;
        _catalog = catalog;
        Links = new NotificationLinks(_options.PublicBaseUrl);
        Addresses = PublicAddressConnector.ForNetworks(_options.AllowedPrivateNetworks);
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false, // only the configured URL is a target: a redirect could lead anywhere
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = 4, // one receiver cannot take every connection of the silo
            ConnectCallback = Addresses.ConnectAsync,
        };
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Outage-Notifications", "1"));
    }

    /// <summary>The links messages carry.</summary>
    public NotificationLinks Links { get; }

    /// <summary>The SSRF rule in force.</summary>
    public PublicAddressConnector Addresses { get; }

    /// <summary>True when e-mail can be sent (an SMTP host is configured).</summary>
    public bool EmailEnabled => _options.Smtp.Host.Length > 0;

    /// <summary>Attempts one delivery of <paramref name="message"/>.</summary>
    /// <param name="subscription">The subscription.</param>
    /// <param name="state">Its state: the secrets that sign, the tokens of its links.</param>
    /// <param name="message">The message.</param>
    /// <param name="now">The attempt's time (product clock): the <c>webhook-timestamp</c>.</param>
    /// <param name="cancellationToken">Cancels the attempt.</param>
    public async Task<DeliveryResult> SendAsync(SubscriptionDefinition subscription, SubscriptionGrainState state, NotificationMessage message, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        try
        {
            return subscription.Channel switch
            {
                NotificationChannel.Webhook => await PostAsync(subscription.Target, NotificationPayload.Webhook(message, subscription, Links, _catalog),
                    Signatures(state, message, now), started, timeout.Token),
                NotificationChannel.Slack => await PostAsync(subscription.Target, NotificationPayload.Slack(message, Links, _catalog), null, started, timeout.Token),
                _ => await MailAsync(subscription, state, message, started, timeout.Token),
            };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new DeliveryResult(false, 0, Stopwatch.GetElapsedTime(started), $"no answer within {_options.RequestTimeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException e) when (e.InnerException is AddressRefusedException refused)
        {
            return new DeliveryResult(false, 0, Stopwatch.GetElapsedTime(started), refused.Message) { Refused = true };
        }
        catch (HttpRequestException e)
        {
            return new DeliveryResult(false, 0, Stopwatch.GetElapsedTime(started), $"unreachable: {e.InnerException?.Message ?? e.Message}");
        }
        catch (Exception e) when (e is SmtpCommandException or SmtpProtocolException or IOException or System.Net.Sockets.SocketException or AuthenticationException)
        {
            return new DeliveryResult(false, 0, Stopwatch.GetElapsedTime(started), $"SMTP: {e.Message}");
        }
    }

    /// <summary>The <c>webhook-id</c>, <c>webhook-timestamp</c> and <c>webhook-signature</c> headers: one signature per secret still in force.</summary>
    private static Func<string, IEnumerable<(string, string)>> Signatures(SubscriptionGrainState state, NotificationMessage message, DateTimeOffset now) => body =>
    {
        var secrets = state.Secrets.Where(s => s.ExpiresAt is null || s.ExpiresAt > now);
        var signatures = secrets.Select(s => new StandardWebhook(s.Value).Sign(message.Id, now, body));
        return
        [
            ("webhook-id", message.Id),
            ("webhook-timestamp", now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("webhook-signature", string.Join(' ', signatures)),
        ];
    };

    private async Task<DeliveryResult> PostAsync(string url, string body, Func<string, IEnumerable<(string, string)>>? headers, long started, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers?.Invoke(body) ?? [])
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var latency = Stopwatch.GetElapsedTime(started);
        var status = (int)response.StatusCode;
        if (response.IsSuccessStatusCode)
        {
            return new DeliveryResult(true, status, latency);
        }

        TimeSpan? retryAfter = null;
        if (response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable && response.Headers.RetryAfter is { } after)
        {
            retryAfter = after.Delta ?? (after.Date is { } date ? date - DateTimeOffset.UtcNow : null);
        }

        var error = status is >= 300 and < 400 ? $"HTTP {status} (redirects are not followed)" : $"HTTP {status}";
        return new DeliveryResult(false, status, latency, error, retryAfter);
    }

    private async Task<DeliveryResult> MailAsync(SubscriptionDefinition subscription, SubscriptionGrainState state, NotificationMessage message, long started, CancellationToken cancellationToken)
    {
        var smtp = _options.Smtp;
        var mail = new MimeMessage { Subject = NotificationText.Title(message, _catalog) };
        mail.From.Add(MailboxAddress.Parse(smtp.From));
        mail.To.Add(MailboxAddress.Parse(subscription.Target));
        var unsubscribe = Links.Unsubscribe(subscription.Id, state.UnsubscribeToken);
        string text;
        if (message.Kind == NotificationEvents.None)
        {
            text = $"Someone (we hope you) asked Outage to e-mail this address about {Describe(subscription.Filter)}.\n\n"
                + $"Confirm here to start receiving them:\n{Links.Confirm(subscription.Id, state.ConfirmationToken)}\n\n"
                + "If it was not you, ignore this message: nothing else will be sent.\n";
        }
        else
        {
            var lines = message.Items.Select(i => "- " + NotificationText.Line(message, i, _catalog));
            var page = Links.Series(message.Items[0].Status.Series);
            text = $"{string.Join('\n', lines)}\n\nLive status: {page}\n\nStop these e-mails: {unsubscribe}\n";
            // RFC 2369 and RFC 8058: mail clients offer a one-click unsubscribe.
            mail.Headers.Add("List-Unsubscribe", $"<{unsubscribe}>");
            mail.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        }

        mail.Headers.Add("X-Outage-Message-Id", message.Id);
        mail.Body = new TextPart("plain") { Text = text };
        using var client = new SmtpClient();
        await client.ConnectAsync(smtp.Host, smtp.Port, smtp.UseStartTls ? SecureSocketOptions.StartTlsWhenAvailable : SecureSocketOptions.None, cancellationToken);
        if (smtp.User.Length > 0)
        {
            await client.AuthenticateAsync(smtp.User, smtp.Password, cancellationToken);
        }

        await client.SendAsync(mail, cancellationToken);
        await client.DisconnectAsync(true, cancellationToken);
        return new DeliveryResult(true, 0, Stopwatch.GetElapsedTime(started));
    }

    private string Describe(SubscriptionFilter filter)
    {
        var services = filter.ServiceIds.Count > 0 ? string.Join(", ", filter.ServiceIds.Select(s => _catalog.Find(s)?.DisplayName ?? s))
            : filter.Owner.Length > 0 ? $"the services of {filter.Owner}" : "every service";
        var regions = filter.Regions.Count > 0 ? " in " + string.Join(", ", filter.Regions.Select(r => r.Length == 0 ? "the world" : r)) : "";
        return $"disruptions of {services}{regions}";
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}
