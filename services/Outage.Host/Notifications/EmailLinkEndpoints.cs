using System.Net;
using Outage.Grains.Abstractions.Notifications;

namespace Outage.Host.Notifications;

/// <summary>
/// The links of notification e-mails: confirm a subscription (double opt-in) and unsubscribe. Opening a link shows a page
/// with one button, and only the button's POST changes anything: mail scanners that open every link confirm nothing.
/// Unsubscribe also takes the RFC 8058 one-click POST that mail clients send from <c>List-Unsubscribe-Post</c>.
/// </summary>
internal static class EmailLinkEndpoints
{
    public static void MapEmailLinks(this WebApplication app)
    {
        app.MapGet("/notifications/confirm", (string? subscription, string? token) =>
            Page("Confirm your notifications", "Press the button to start receiving the e-mails you asked for.", "confirm", subscription, token, "Confirm"));
        app.MapPost("/notifications/confirm", async (HttpRequest request, IGrainFactory grains) =>
        {
            var (subscription, token) = await LinkAsync(request);
            var done = subscription is not null && await grains.GetGrain<ISubscriptionGrain>(subscription).ConfirmAsync(token);
            return done ? Result("Confirmed", "You will be e-mailed when the services you chose go down and recover.")
                : Result("Link not valid", "This confirmation link is not (or no longer) valid.", StatusCodes.Status404NotFound);
        }).DisableAntiforgery();
        app.MapGet("/notifications/unsubscribe", (string? subscription, string? token) =>
            Page("Unsubscribe", "Press the button to stop these e-mails.", "unsubscribe", subscription, token, "Unsubscribe"));
        app.MapPost("/notifications/unsubscribe", async (HttpRequest request, IGrainFactory grains) =>
        {
            var (subscription, token) = await LinkAsync(request);
            var done = subscription is not null && await grains.GetGrain<ISubscriptionGrain>(subscription).UnsubscribeAsync(token);
            return done ? Result("Unsubscribed", "You will not receive these e-mails any more.")
                : Result("Link not valid", "This unsubscribe link is not (or no longer) valid.", StatusCodes.Status404NotFound);
        }).DisableAntiforgery();
    }

    /// <summary>The subscription and token from the query (one-click) or the form.</summary>
    private static async Task<(string? Subscription, string Token)> LinkAsync(HttpRequest request)
    {
        var form = request.HasFormContentType ? await request.ReadFormAsync() : null;
        string? Value(string name) => request.Query[name].FirstOrDefault() ?? form?[name].FirstOrDefault();
        var subscription = Value("subscription");
        var token = Value("token") ?? "";
        return subscription is { Length: > 4 and <= 64 } && subscription.StartsWith("sub_", StringComparison.Ordinal) && token.Length <= 100
            ? (subscription, token) : (null, "");
    }

    private static IResult Page(string title, string text, string action, string? subscription, string? token, string button) => Html(title,
        $"""
        <p>{WebUtility.HtmlEncode(text)}</p>
        <form method="post" action="/notifications/{action}">
          <input type="hidden" name="subscription" value="{WebUtility.HtmlEncode(subscription ?? "")}">
          <input type="hidden" name="token" value="{WebUtility.HtmlEncode(token ?? "")}">
          <button type="submit">{button}</button>
        </form>
        """);

    private static IResult Result(string title, string text, int status = StatusCodes.Status200OK) =>
        Html(title, $"<p>{WebUtility.HtmlEncode(text)}</p><p><a href=\"/\">Outage status</a></p>", status);

    private static IResult Html(string title, string body, int status = StatusCodes.Status200OK) => Results.Content(
        $"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{WebUtility.HtmlEncode(title)} · Outage</title><link rel="stylesheet" href="/app.css"></head>
        <body><main><h1>{WebUtility.HtmlEncode(title)}</h1>{body}</main></body></html>
        """, "text/html; charset=utf-8", statusCode: status);
}
