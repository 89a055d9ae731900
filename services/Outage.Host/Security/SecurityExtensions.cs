using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Outage.Host.Security;

/// <summary>API keys, scopes and quotas: registration and the authorization policies, one per scope.</summary>
internal static class SecurityExtensions
{
    public static void AddOutageSecurity(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section);
        services.AddSingleton<ApiKeyStore>();
        services.AddHostedService<AdminKeyBootstrap>();
        services.AddSingleton<Quotas>();
        services.AddSingleton<PrivacyFilter>();
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorization(o =>
        {
            o.AddPolicy(Scopes.ReportsWrite, p => p.RequireAssertion(c => Allowed(c, Scopes.ReportsWrite, a => a.AnonymousReports)));
            o.AddPolicy(Scopes.StatusRead, p => p.RequireAssertion(c => Allowed(c, Scopes.StatusRead, a => a.AnonymousStatusReads)));
            // State-changing calls always need a key with the scope, configured keys or not (the first-start admin key).
            o.AddPolicy(Scopes.Admin, p => p.RequireAssertion(c => c.User.Identity?.IsAuthenticated == true && c.User.HasClaim(Scopes.ClaimType, Scopes.Admin)));
            // Subscriptions belong to the key that made them: always a key, with the scope (or admin).
            o.AddPolicy(Scopes.NotificationsWrite, p => p.RequireAssertion(c => c.User.Identity?.IsAuthenticated == true
                && (c.User.HasClaim(Scopes.ClaimType, Scopes.NotificationsWrite) || c.User.HasClaim(Scopes.ClaimType, Scopes.Admin))));
        });
    }

    /// <summary>
    /// Reads and intake: allowed with no key configured; with a key holding the scope; or anonymously, with no authorization
    /// header at all, when the configuration allows it. Unauthenticated refusals answer UNAUTHENTICATED, a key
    /// without the scope PERMISSION_DENIED.
    /// </summary>
    private static bool Allowed(AuthorizationHandlerContext context, string scope, Func<AuthOptions, bool> anonymous)
    {
        if (context.Resource is not HttpContext http)
        {
            return false;
        }

        if (!http.RequestServices.GetRequiredService<ApiKeyStore>().Enabled)
        {
            return true;
        }

        return context.User.Identity?.IsAuthenticated == true
            ? context.User.HasClaim(Scopes.ClaimType, scope)
            : http.Request.Headers.Authorization.Count == 0 && anonymous(http.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value);
    }
}
