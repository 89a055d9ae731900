using System.Collections.Frozen;

namespace Outage.Grains;

/// <summary>A service users report on, with its owner (family), problem categories and detection settings.</summary>
/// <param name="Id">Service id, such as <c>facebook</c> (lower case letters, digits and dashes).</param>
/// <param name="DisplayName">Name to show, such as <c>Facebook</c>.</param>
/// <param name="Owner">Owner or family, such as <c>meta</c>; incidents of one owner that start together are grouped.</param>
/// <param name="Categories">Problem categories users can pick.</param>
/// <param name="MinDistinctReporters">Extra distinct reporters needed before a series of this service leaves NORMAL.</param>
[GenerateSerializer, Immutable, Alias("outage.ServiceDefinition")]
public sealed record ServiceDefinition(
    [property: Id(0)] string Id,
    [property: Id(1)] string DisplayName,
    [property: Id(2)] string Owner,
    [property: Id(3)] IReadOnlyList<string> Categories,
    [property: Id(4)] int MinDistinctReporters = 10)
{
    /// <summary>
    /// Target rate of false disruptions per series per 30 days for this service's series; 0 for the cluster's
    /// setting. Lower makes a noisy service's detector less eager.
    /// </summary>
    [Id(5)] public double FalseAlarmsPer30Days { get; init; }

    /// <summary>This service with the <paramref name="fields"/> of <paramref name="update"/>.</summary>
    public ServiceDefinition With(ServiceDefinition update, ServiceFields fields) => this with
    {
        DisplayName = fields.HasFlag(ServiceFields.DisplayName) ? update.DisplayName : DisplayName,
        Owner = fields.HasFlag(ServiceFields.Owner) ? update.Owner : Owner,
        Categories = fields.HasFlag(ServiceFields.Categories) ? update.Categories : Categories,
        MinDistinctReporters = fields.HasFlag(ServiceFields.MinDistinctReporters) ? update.MinDistinctReporters : MinDistinctReporters,
        FalseAlarmsPer30Days = fields.HasFlag(ServiceFields.FalseAlarmsPer30Days) ? update.FalseAlarmsPer30Days : FalseAlarmsPer30Days,
    };

    /// <summary>True when the detector of this service's series must change to go from <paramref name="other"/> to this.</summary>
    public bool DetectionDiffers(ServiceDefinition other) =>
        MinDistinctReporters != other.MinDistinctReporters || FalseAlarmsPer30Days != other.FalseAlarmsPer30Days;

    /// <summary>Structural equality, categories compared item by item.</summary>
    public bool Equals(ServiceDefinition? other) =>
        other is not null && Id == other.Id && DisplayName == other.DisplayName && Owner == other.Owner
        && Categories.SequenceEqual(other.Categories) && !DetectionDiffers(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Id, DisplayName, Owner, Categories.Count, MinDistinctReporters, FalseAlarmsPer30Days);
}

/// <summary>Fields of a <see cref="ServiceDefinition"/> an update replaces.</summary>
[Flags]
public enum ServiceFields
{
    /// <summary>None.</summary>
    None = 0,

    /// <summary><see cref="ServiceDefinition.DisplayName"/>.</summary>
    DisplayName = 1,

    /// <summary><see cref="ServiceDefinition.Owner"/>.</summary>
    Owner = 2,

    /// <summary><see cref="ServiceDefinition.Categories"/>.</summary>
    Categories = 4,

    /// <summary><see cref="ServiceDefinition.MinDistinctReporters"/>.</summary>
    MinDistinctReporters = 8,

    /// <summary><see cref="ServiceDefinition.FalseAlarmsPer30Days"/>.</summary>
    FalseAlarmsPer30Days = 16,

    /// <summary>Every field but the id.</summary>
    All = DisplayName | Owner | Categories | MinDistinctReporters | FalseAlarmsPer30Days,
}

/// <summary>One version of the catalog, as the catalog grain hands it to every process.</summary>
/// <param name="Version">Increases with every change; 0 for the built-in seed no grain has confirmed yet.</param>
/// <param name="Services">Every service.</param>
[GenerateSerializer, Immutable, Alias("outage.CatalogSnapshot")]
public sealed record CatalogSnapshot([property: Id(0)] long Version, [property: Id(1)] IReadOnlyList<ServiceDefinition> Services);

/// <summary>
/// This process's copy of the catalog, read in process (no grain call) to validate every report. The
/// catalog grain is the source of truth; the copy moves to each newer version it publishes, all at once.
/// </summary>
public sealed class ServiceCatalog
{
    private volatile Version _current;

    /// <summary>Creates a catalog of <paramref name="services"/> at version 0 (the seed).</summary>
    public ServiceCatalog(IEnumerable<ServiceDefinition> services) => _current = new Version(new CatalogSnapshot(0, services.ToArray()));

    /// <summary>The version this process holds.</summary>
    public long VersionNumber => _current.Snapshot.Version;

    /// <summary>Every service, by id.</summary>
    public IReadOnlyList<ServiceDefinition> Services => _current.Ordered;

    /// <summary>The catalog as a snapshot (what the catalog grain starts from when it has never been saved).</summary>
    public CatalogSnapshot Snapshot => _current.Snapshot;

    /// <summary>The service with <paramref name="id"/>, or null.</summary>
    public ServiceDefinition? Find(string id) => _current.ById.GetValueOrDefault(id);

    /// <summary>Moves to <paramref name="snapshot"/> if it is newer than what this process holds.</summary>
    /// <returns>True when the catalog changed.</returns>
    public bool Apply(CatalogSnapshot snapshot)
    {
        while (true)
        {
            var current = _current;
            if (snapshot.Version <= current.Snapshot.Version)
            {
                return false;
            }

#pragma warning disable CS0420 // the field is only ever swapped whole
            if (Interlocked.CompareExchange(ref _current, new Version(snapshot), current) == current)
#pragma warning restore CS0420
            {
                return true;
            }
        }
    }

    /// <summary>The services of a new host: the built-in catalog, until an operator changes it through AdminService.</summary>
    public static IReadOnlyList<ServiceDefinition> DefaultServices { get; } =
    [
        new("facebook", "Facebook", "meta", ["login", "feed", "posting", "messages", "website", "app"]),
        new("instagram", "Instagram", "meta", ["login", "feed", "posting", "stories", "messages", "app"]),
        new("whatsapp", "WhatsApp", "meta", ["messages", "calls", "connection", "login", "app"]),
        new("messenger", "Messenger", "meta", ["messages", "calls", "login", "app"]),
        new("threads", "Threads", "meta", ["login", "feed", "posting", "app"]),
        new("x", "X", "x", ["login", "feed", "posting", "messages", "app"]),
        new("telegram", "Telegram", "telegram", ["messages", "calls", "connection", "login"]),
        new("youtube", "YouTube", "google", ["video", "login", "website", "app"]),
        new("gmail", "Gmail", "google", ["login", "sending", "receiving", "website"]),
        new("att", "AT&T", "att", ["mobile-internet", "no-signal", "calls", "sms"]),
        new("verizon", "Verizon", "verizon", ["mobile-internet", "no-signal", "calls", "sms"]),
        new("tmobile", "T-Mobile", "tmobile", ["mobile-internet", "no-signal", "calls", "sms"]),
        new("discord", "Discord", "discord", ["login", "messages", "voice", "app"]),
        new("steam", "Steam", "valve", ["login", "store", "downloads", "game-servers"]),
    ];

    /// <summary>A catalog of the built-in services (each host gets its own: the copy changes at run time).</summary>
    public static ServiceCatalog CreateDefault() => new(DefaultServices);

    private sealed class Version(CatalogSnapshot snapshot)
    {
        public CatalogSnapshot Snapshot { get; } = snapshot;

        public FrozenDictionary<string, ServiceDefinition> ById { get; } = snapshot.Services.ToFrozenDictionary(s => s.Id, StringComparer.Ordinal);

        public IReadOnlyList<ServiceDefinition> Ordered { get; } = snapshot.Services.OrderBy(s => s.Id, StringComparer.Ordinal).ToArray();
    }
}

/// <summary>
/// The catalog of services (key 0), the source of truth every process copies: seeded with the built-in
/// catalog the first time, changed through AdminService, saved with every change.
/// </summary>
[Alias("outage.ICatalogGrain")]
public interface ICatalogGrain : IGrainWithIntegerKey
{
    /// <summary>The catalog if its version is newer than <paramref name="version"/>; null otherwise.</summary>
    [Alias("GetIfNewer"), Orleans.Concurrency.ReadOnly]
    Task<CatalogSnapshot?> GetIfNewerAsync(long version);

    /// <summary>Adds a service; null when a service with its id exists.</summary>
    [Alias("Create")]
    Task<CatalogSnapshot?> CreateAsync(ServiceDefinition service);

    /// <summary>Replaces the <paramref name="fields"/> of the service with <paramref name="service"/>'s id; null when no service has the id.</summary>
    [Alias("Update")]
    Task<CatalogSnapshot?> UpdateAsync(ServiceDefinition service, ServiceFields fields);

    /// <summary>Removes a service (its history stays, new reports are refused); null when no service has the id.</summary>
    [Alias("Delete")]
    Task<CatalogSnapshot?> DeleteAsync(string serviceId);
}
