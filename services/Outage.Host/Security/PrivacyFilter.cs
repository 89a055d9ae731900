using Grpc.Core;
using Microsoft.Extensions.Options;
using Outage.Grains;
using Outage.Grains.Abstractions;

namespace Outage.Host.Security;

/// <summary>
/// Partner reads (once keys are configured, every read without the admin scope) do not see regional detail
/// drawn from fewer than <see cref="AuthOptions.MinReportersShown"/> distinct reporters: a handful of people
/// in a small region could be told apart. The level stays (it cannot leave NORMAL on so few reporters).
/// </summary>
public sealed class PrivacyFilter(ApiKeyStore keys, IOptions<AuthOptions> options)
{
    private readonly int _minReporters = options.Value.MinReportersShown;

    /// <summary>True when the caller gets redacted regional detail.</summary>
    public bool Applies(ServerCallContext context) =>
        keys.Enabled && _minReporters > 0 && !context.GetHttpContext().User.HasClaim(Scopes.ClaimType, Scopes.Admin);

    /// <summary>The status as a partner may see it.</summary>
    public SeriesStatusView Redact(SeriesStatusView status) =>
        status.Region.Length == 0 || status.DistinctReporters >= _minReporters
            ? status
            : status with { Observed = 0, DistinctReporters = 0, Evidence = 0, TopCategories = [] };

    /// <summary>True when a regional timeline holding <paramref name="reports"/> in all shows no counts to a partner.</summary>
    public bool HidesTimeline(string region, long reports) => region.Length > 0 && reports < _minReporters;
}
