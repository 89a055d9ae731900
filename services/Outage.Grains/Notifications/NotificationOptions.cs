namespace Outage.Grains.Notifications;

/// <summary>How notifications are delivered, bound from <c>Outage:Notifications</c>.</summary>
public sealed class NotificationOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Outage:Notifications";

    /// <summary>
    /// The waits after each failed attempt of one message (product clock), with ±20 % jitter; after the last one fails the
    /// subscription is disabled. Default: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (eight attempts over about 28 hours).
    /// </summary>
    public List<TimeSpan> RetryDelays { get; set; } = [];

    /// <summary>The waits used when <see cref="RetryDelays"/> is empty.</summary>
    public static readonly IReadOnlyList<TimeSpan> DefaultRetryDelays =
    [
        TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2),
        TimeSpan.FromHours(5), TimeSpan.FromHours(10), TimeSpan.FromHours(10),
    ];

    /// <summary>How long one delivery may take, connection to answer (default 15 s).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a change waits for others to join it in one message (default 2 s).</summary>
    public TimeSpan CoalesceWindow { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The least time between two messages of one subscription (default 10 s: at most six a minute; what arrives meanwhile is merged).</summary>
    public TimeSpan MinInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The most series in one message (default 100; more go in the next).</summary>
    public int MaxItemsPerMessage { get; set; } = 100;

    /// <summary>How often a subscription with work looks at its outbox (real time, default 1 s).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Delivery attempts kept per subscription (default 50).</summary>
    public int DeliveryLogSize { get; set; } = 50;

    /// <summary>Delivered messages kept per subscription for replay (default 20).</summary>
    public int ReplayableMessages { get; set; } = 20;

    /// <summary>The most subscriptions one key may hold (default 100).</summary>
    public int MaxSubscriptionsPerKey { get; set; } = 100;

    /// <summary>
    /// Networks (CIDR, e.g. <c>127.0.0.0/8</c>) that targets may reach although they are not public. Default none: loopback,
    /// private, link-local and metadata addresses are refused, checked on the address connected to.
    /// </summary>
    public List<string> AllowedPrivateNetworks { get; set; } = [];

    /// <summary>Allow <c>http://</c> targets (default false: webhooks and Slack URLs must be <c>https://</c>). For development and tests.</summary>
    public bool AllowHttp { get; set; }

    /// <summary>The page's public address, for links in messages (confirmation, unsubscribe, the service's page).</summary>
    public string PublicBaseUrl { get; set; } = "http://localhost:5080";

    /// <summary>The SMTP server e-mail notifications go through; e-mail subscriptions are refused while <see cref="SmtpOptions.Host"/> is empty.</summary>
    public SmtpOptions Smtp { get; set; } = new();

    /// <summary>The retry waits in force.</summary>
    public IReadOnlyList<TimeSpan> EffectiveRetryDelays => RetryDelays.Count > 0 ? RetryDelays : DefaultRetryDelays;
}
