using System.Text.Json.Serialization;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Outage.Contracts.V1;
using Outage.Host.Notifications;

namespace Outage.Host.Public;

/// <summary>
/// The page's "notify me" form: <c>POST /web/subscriptions</c> makes an e-mail subscription to one service (worldwide, or
/// one country) through the same <see cref="SubscriptionCreation"/> as NotificationService, held by the page's own key
/// name. Double opt-in as for every e-mail subscription: nothing but the confirmation is sent until its link is used.
/// The same guards as the report button (page origin, JSON, honeypot, the same per-address and per-device quotas).
/// </summary>
internal static class EmailSignupEndpoints
{
    /// <summary>The owner of the page's subscriptions (a name no configured key can take: key names have no parentheses).</summary>
    public const string PageKeyName = "(status page)";

    public static void MapEmailSignup(this IEndpointRouteBuilder app)
    {
        app.MapPost("/web/subscriptions", async (HttpContext http, SubscriptionCreation creation, IOptions<PublicPageOptions> options) =>
        {
            var (posted, refused) = await PageRequests.ReadAsync<WebSignup>(http, options.Value, "sign-up");
            if (refused is not null)
            {
                return refused;
            }

            if (string.IsNullOrEmpty(posted?.ServiceId))
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["serviceId"] = ["is required"] });
            }

            if (!string.IsNullOrEmpty(posted.Website))
            {
                return Results.Accepted(value: new WebSignupResult("PENDING_CONFIRMATION")); // the honeypot: see the report button
            }

            var subscription = new Subscription
            {
                Email = posted.Email ?? "",
                Filter = new SubscriptionFilter { ServiceIds = { posted.ServiceId }, Regions = { PageRequests.CountryLevel(posted.Region ?? "") } },
                Description = "Signed up on the status page",
            };
            try
            {
                await creation.CreateAsync(subscription, PageKeyName, options.Value.MaxEmailSubscriptions, http.RequestAborted);
                return Results.Accepted(value: new WebSignupResult("PENDING_CONFIRMATION"));
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.InvalidArgument)
            {
                var violations = e.GetRpcStatus()?.GetDetail<Google.Rpc.BadRequest>()?.FieldViolations ?? [];
                return PageRequests.FieldProblem(violations.Select(v => (v.Field, v.Description)), FieldName);
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.FailedPrecondition or StatusCode.ResourceExhausted)
            {
                return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "E-mail sign-up unavailable",
                    detail: e.StatusCode == StatusCode.FailedPrecondition ? "This server sends no e-mail." : "The page holds as many sign-ups as it may; try later.");
            }
        }).WithPageQuotas();
    }

    /// <summary>"subscription.filter.service_ids[0]" is the form's "serviceId", "subscription.filter.regions[0]" its "region".</summary>
    private static string FieldName(string field) => field switch
    {
        _ when field.StartsWith("subscription.filter.service_ids", StringComparison.Ordinal) => "serviceId",
        _ when field.StartsWith("subscription.filter.regions", StringComparison.Ordinal) => "region",
        _ => PageRequests.CamelCase(field[(field.LastIndexOf('.') + 1)..]),
    };
}

/// <summary>What the form posts.</summary>
/// <param name="Email">Where to write.</param>
/// <param name="ServiceId">The service.</param>
/// <param name="Region">A country, or empty for worldwide.</param>
/// <param name="Website">The honeypot.</param>
internal sealed record WebSignup(string? Email, string? ServiceId, string? Region, string? Website);

/// <summary>The answer: the subscription waits for its confirmation link.</summary>
internal sealed record WebSignupResult([property: JsonPropertyName("state")] string State);
