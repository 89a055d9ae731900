using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Outage.Grains.Abstractions;

namespace Outage.Grains;

/// <summary>What the grains need in a silo, in one place for the host and the test clusters.</summary>
public static class OutageSiloBuilderExtensions
{
    /// <summary>
    /// The grains' services: the catalog (the built-in one until the catalog grain's copy arrives), the series options
    /// from <c>Outage:Series</c> (checked at start-up), the product's metrics, the reader of official status sources and the notification sender. Storage is the caller's choice
    /// (<see cref="StorageRegistration.AddOutageMemoryStorage"/> embedded, Redis in production), as is the product clock
    /// (a keyed <see cref="TimeProvider"/> under <see cref="OutageClock.Key"/>: the host's may run fast for demonstrations,
    /// a test's is fake).
    /// </summary>
    public static ISiloBuilder AddOutageGrains(this ISiloBuilder silo)
    {
        var services = silo.Services;
        services.TryAddSingleton(_ => ServiceCatalog.CreateDefault());
        services.AddOptions<SeriesOptions>().BindConfiguration(SeriesOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SeriesOptions>, SeriesOptionsValidator>());
        services.AddMetrics();
        services.TryAddSingleton<OutageMetrics>();
        // Children of this silo share their calls to a parent (group commit): one journal append per call, not per child.
        services.TryAddSingleton<RollupForwarder>();
        // Official status sources: one HTTP connection pool per silo, shared by every source's grain.
        services.AddOptions<OfficialStatus.OfficialStatusOptions>().BindConfiguration(OfficialStatus.OfficialStatusOptions.Section);
        services.TryAddSingleton<OfficialStatus.StatuspageFetcher>();
        // Notifications: one connection pool (with the SSRF rule) and one SMTP configuration per silo.
        services.AddOptions<Notifications.NotificationOptions>().BindConfiguration(Notifications.NotificationOptions.Section);
        services.TryAddSingleton<Notifications.NotificationSender>();
        return silo;
    }
}
