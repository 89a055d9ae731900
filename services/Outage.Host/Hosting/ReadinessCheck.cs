using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Outage.Host.Hosting;

/// <summary>
/// Readiness: true while the process serves; false from the moment shutdown begins (SIGTERM), so load
/// balancers and Kubernetes stop sending new calls before in-flight ones are drained. Liveness never
/// depends on this, Redis or other silos.
/// </summary>
internal sealed class ReadinessCheck : IHealthCheck
{
    private volatile bool _stopping;

    /// <summary>Marks the process as shutting down.</summary>
    public void MarkStopping() => _stopping = true;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_stopping ? HealthCheckResult.Unhealthy("shutting down") : HealthCheckResult.Healthy());
}
