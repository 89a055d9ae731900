namespace Outage.Grains.Notifications;

/// <summary>How one delivery attempt went.</summary>
/// <param name="Delivered">The target accepted the message (HTTP 2xx; the SMTP server queued it).</param>
/// <param name="HttpStatus">The HTTP status answered, 0 without an answer.</param>
/// <param name="Latency">Time from the request to the answer.</param>
/// <param name="Error">What went wrong, empty when delivered.</param>
/// <param name="RetryAfter">The wait the target asked for (<c>Retry-After</c> on 429 or 503).</param>
public sealed record DeliveryResult(bool Delivered, int HttpStatus, TimeSpan Latency, string Error = "", TimeSpan? RetryAfter = null)
{
    /// <summary>The outcome as a metric tag: delivered, gone, refused (SSRF rule), http_error, unreachable.</summary>
    public string Outcome => Delivered ? "delivered" : HttpStatus == 410 ? "gone" : HttpStatus > 0 ? "http_error" : Refused ? "refused" : "unreachable";

    /// <summary>True when the target's address was refused by the SSRF rule.</summary>
    public bool Refused { get; init; }
}
