using System.Collections.Frozen;

namespace Outage.Grains.Abstractions;

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

    /// <summary>
    /// The services of a new host: the built-in catalog, until an operator changes it through AdminService. Each ends with
    /// "other", the page's "Something else", so that a person whose problem fits no category can still report it.
    /// </summary>
    public static IReadOnlyList<ServiceDefinition> DefaultServices { get; } =
    [
        new("facebook", "Facebook", "meta", ["login", "feed", "posting", "messages", "website", "app", "other"]),
        new("instagram", "Instagram", "meta", ["login", "feed", "posting", "stories", "messages", "app", "other"]),
        new("whatsapp", "WhatsApp", "meta", ["messages", "calls", "connection", "login", "app", "other"]),
        new("messenger", "Messenger", "meta", ["messages", "calls", "login", "app", "other"]),
        new("threads", "Threads", "meta", ["login", "feed", "posting", "app", "other"]),
        new("x", "X", "x", ["login", "feed", "posting", "messages", "app", "other"]),
        new("telegram", "Telegram", "telegram", ["messages", "calls", "connection", "login", "other"]),
        new("youtube", "YouTube", "google", ["video", "login", "website", "app", "other"]),
        new("gmail", "Gmail", "google", ["login", "sending", "receiving", "website", "other"]),
        new("att", "AT&T", "att", ["mobile-internet", "no-signal", "calls", "sms", "other"]),
        new("verizon", "Verizon", "verizon", ["mobile-internet", "no-signal", "calls", "sms", "other"]),
        new("tmobile", "T-Mobile", "tmobile", ["mobile-internet", "no-signal", "calls", "sms", "other"]),
        new("discord", "Discord", "discord", ["login", "messages", "voice", "app", "other"]),
        new("steam", "Steam", "valve", ["login", "store", "downloads", "game-servers", "other"]),
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
