namespace Outage.Grains;

/// <summary>A service users report on, with its owner (family) and problem categories.</summary>
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
    [property: Id(4)] int MinDistinctReporters = 10);

/// <summary>The catalog of services, read in process (no grain call) to validate every report.</summary>
public sealed class ServiceCatalog
{
    private readonly Dictionary<string, ServiceDefinition> _services;

    /// <summary>Creates a catalog of <paramref name="services"/>.</summary>
    public ServiceCatalog(IEnumerable<ServiceDefinition> services) =>
        _services = services.ToDictionary(s => s.Id, StringComparer.Ordinal);

    /// <summary>Every service, by id.</summary>
    public IEnumerable<ServiceDefinition> Services => _services.Values.OrderBy(s => s.Id, StringComparer.Ordinal);

    /// <summary>The service with <paramref name="id"/>, or null.</summary>
    public ServiceDefinition? Find(string id) => _services.GetValueOrDefault(id);

    /// <summary>The catalog served when configuration names none.</summary>
    public static ServiceCatalog Default { get; } = new(
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
    ]);
}
