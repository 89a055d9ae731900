using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Outage.Grains.Abstractions;

namespace Outage.Grains;

/// <summary>How the grains' state is stored, in one place for the host and the test clusters.</summary>
public static class StorageRegistration
{
    /// <summary>
    /// The serializer every store writes grain state with: Orleans' binary serializer, which records the
    /// <c>[Alias]</c> of each stored type rather than its CLR name (renaming a C# type does not break
    /// stored state) and serializes the compact dedupe tables as they are. The stores' JSON default would
    /// embed CLR names and skip private fields.
    /// </summary>
    public static IGrainStorageSerializer StateSerializer(IServiceProvider services) =>
        services.GetRequiredService<OrleansGrainStorageSerializer>();

    /// <summary>The embedded default: in-memory grain storage and no journal (nothing outlives the process anyway).</summary>
    public static ISiloBuilder AddOutageMemoryStorage(this ISiloBuilder silo)
    {
        silo.Services.AddSingleton<OrleansGrainStorageSerializer>();
        silo.Services.AddSingleton<ISeriesJournal, InProcessSeriesJournal>();
        return silo.AddMemoryGrainStorage(StorageNames.State, options =>
            options.Configure<IServiceProvider>((o, services) => o.GrainStorageSerializer = StateSerializer(services)));
    }
}
