using System.Security.Cryptography;
using System.Text.Json.Serialization;
using System.Threading.RateLimiting;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Outage.Contracts.V1;
using Outage.Grains;
using Outage.Grains.Abstractions;
using Outage.Host.Ingest;

namespace Outage.Host.Public;

/// <summary>
/// The status page's "I have a problem" button: <c>GET /web/reporter</c> (the device cookie, and where the page thinks the
/// person is) and <c>POST /web/reports</c>, which goes through the same validation, dedupe and outcome as SubmitReport.
/// A public endpoint, so: a device cookie (HttpOnly, SameSite=Strict, Secure over TLS), else a keyed hash of the address
/// and browser; only the page's own origin may post (Origin header, JSON only, so a cross-site form cannot); a honeypot
/// field; quotas per address and per device with ASP.NET Core's rate limiter, 429 with Retry-After.
/// </summary>
internal static class WebReportEndpoints
{
    /// <summary>The device cookie: a random id, on the page's report paths only.</summary>
    public const string DeviceCookie = "outage-device";

    public static void AddWebReports(this IServiceCollection services)
    {
        services.AddOptions<PublicPageOptions>().BindConfiguration(PublicPageOptions.Section);
        services.AddSingleton<ReporterRegion>();
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<PublicPageOptions>>((o, page) => o.GlobalLimiter = Quotas(page.Value));
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = async (context, cancel) =>
            {
                var retry = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
                context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retry.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                await Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many reports",
                    detail: $"Too many reports from this device or address; try again in {Math.Ceiling(retry.TotalSeconds):0} s.")
                    .ExecuteAsync(context.HttpContext);
            };
        });
    }

    public static void MapWebReports(this IEndpointRouteBuilder app)
    {
        app.MapGet("/web/reporter", (HttpContext http, ReporterRegion regions, Grains.Notifications.NotificationSender sender) =>
        {
            DeviceOf(http, issue: true);
            var (region, from) = regions.Locate(http);
            return Results.Ok(new ReporterView(region, from.ToString().ToLowerInvariant(), from == ReporterRegion.Source.Choice ? Regions.CountryCodes : [], sender.EmailEnabled));
        });

        app.MapPost("/web/reports", async (HttpContext http, ReporterRegion regions, ReportValidator validator, ReportIntake intake,
            IOptions<PublicPageOptions> options, [FromKeyedServices(OutageClock.Key)] TimeProvider time) =>
        {
            var (posted, refused) = await PageRequests.ReadAsync<WebReport>(http, options.Value, "report");
            if (refused is not null)
            {
                return refused;
            }

            var (located, _) = regions.Locate(http);
            var report = new Report
            {
                ReportId = Guid.NewGuid().ToString("N"),
                ServiceId = posted?.ServiceId ?? "",
                Category = posted?.Category ?? "",
                Region = located.Length > 0 ? located : PageRequests.CountryLevel(posted?.Region ?? ""),
                DeviceId = DeviceOf(http, issue: true),
                OccurredAt = Timestamp.FromDateTimeOffset(time.GetUtcNow()),
                Platform = Platform.Web,
            };
            var violations = validator.Validate(report);
            if (violations.Count > 0)
            {
                intake.CountRejected(report, violations, ReportIntake.Web);
                return PageRequests.FieldProblem(violations.Select(v => (v.Field, v.Description)), field => PageRequests.CamelCase(field["report.".Length..]));
            }

            if (!string.IsNullOrEmpty(posted?.Website))
            {
                // The honeypot: a field people never see, that form-filling bots fill. Answered like a report, counted as
                // rejected in the metrics, so that the bot learns nothing.
                intake.CountRejected(report, [new FieldViolation { Field = "report.website", Description = "honeypot" }], ReportIntake.Web);
                return Results.Ok(new WebReportResult("ACCEPTED", report.Region));
            }

            var outcome = await intake.SubmitAsync(report, ReportIntake.Web);
            return Results.Ok(new WebReportResult(outcome == IngestOutcome.Accepted ? "ACCEPTED" : "DEVICE_ALREADY_COUNTED", report.Region));
        }).WithPageQuotas();
    }

    /// <summary>
    /// The device id: the cookie's, or (with <paramref name="issue"/>) a new random one set as the cookie. A browser that
    /// keeps no cookie is known by its address and user agent, which the intake's keyed hash turns into a key like any
    /// device id (never stored in clear).
    /// </summary>
    internal static string DeviceOf(HttpContext http, bool issue)
    {
        if (http.Request.Cookies.TryGetValue(DeviceCookie, out var cookie) && cookie.Length is >= 16 and <= 64)
        {
            return "web:" + cookie;
        }

        if (issue && !http.Response.HasStarted && !http.Items.ContainsKey(DeviceCookie))
        {
            var id = System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
            http.Items[DeviceCookie] = id;
            http.Response.Cookies.Append(DeviceCookie, id, new CookieOptions
            {
                HttpOnly = true, Secure = http.Request.IsHttps, SameSite = SameSiteMode.Strict, Path = "/web", MaxAge = TimeSpan.FromDays(365), IsEssential = true,
            });
        }

        return FallbackDevice(http);
    }

    /// <summary>A device with no cookie: its address and browser, as one string that only the intake's keyed hash sees.</summary>
    internal static string FallbackDevice(HttpContext http)
    {
        var device = $"web-anon:{http.Connection.RemoteIpAddress}|{http.Request.Headers.UserAgent}";
        return device.Length <= 128 ? device : device[..128]; // a device id's limit
    }

    /// <summary>Marks an endpoint the report button's quotas apply to (reports and e-mail subscriptions from the page).</summary>
    internal static RouteHandlerBuilder WithPageQuotas(this RouteHandlerBuilder endpoint) => endpoint.WithMetadata(new QuotaMarker()).DisableAntiforgery();

    /// <summary>Marks the endpoint the report button's quotas apply to.</summary>
    private sealed class QuotaMarker;

    /// <summary>
    /// Quotas of the report button: per client address and per device, chained (both must allow), fixed one-minute
    /// windows. Reports past either are refused before they reach the intake: nothing beyond the quota is counted.
    /// </summary>
    private static PartitionedRateLimiter<HttpContext> Quotas(PublicPageOptions options)
    {
        static bool Limited(HttpContext http) => http.GetEndpoint()?.Metadata.GetMetadata<QuotaMarker>() is not null;
        return PartitionedRateLimiter.CreateChained(
            PartitionedRateLimiter.Create<HttpContext, string>(http => Limited(http)
                ? RateLimitPartition.GetFixedWindowLimiter("addr:" + http.Connection.RemoteIpAddress, _ => Window(options.ReportsPerMinutePerAddress))
                : RateLimitPartition.GetNoLimiter("")),
            PartitionedRateLimiter.Create<HttpContext, string>(http => Limited(http)
                ? RateLimitPartition.GetFixedWindowLimiter("device:" + DeviceOf(http, issue: false), _ => Window(options.ReportsPerMinutePerDevice))
                : RateLimitPartition.GetNoLimiter("")));
    }

    private static FixedWindowRateLimiterOptions Window(int permits) => new()
    {
        PermitLimit = Math.Max(1, permits), Window = TimeSpan.FromMinutes(1), QueueLimit = 0, AutoReplenishment = true,
    };
}

/// <summary>What the page posts.</summary>
/// <param name="ServiceId">The service, such as "facebook".</param>
/// <param name="Category">One of its categories, such as "login".</param>
/// <param name="Region">The person's choice, used only when neither the edge nor the database placed them.</param>
/// <param name="Website">The honeypot: hidden from people, left empty by them.</param>
internal sealed record WebReport(string? ServiceId, string? Category, string? Region, string? Website);

/// <summary>The answer: ACCEPTED or DEVICE_ALREADY_COUNTED, and the region counted.</summary>
internal sealed record WebReportResult([property: JsonPropertyName("outcome")] string Outcome, [property: JsonPropertyName("region")] string Region);

/// <summary>
/// Where the page thinks the person is (<c>source</c> is edge, database or choice; region empty: ask, from
/// <c>countries</c>), and whether the server sends e-mail (the "notify me" form is shown only then).
/// </summary>
internal sealed record ReporterView(
    [property: JsonPropertyName("region")] string Region,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("countries")] IReadOnlyList<string> Countries,
    [property: JsonPropertyName("emailNotifications")] bool EmailNotifications);
