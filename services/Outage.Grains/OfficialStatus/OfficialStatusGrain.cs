using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Outage.Grains.Abstractions;

namespace Outage.Grains.OfficialStatus;

/// <summary>
/// Reads one service's official status source (key: the service id): every <see cref="OfficialStatusOptions.PollInterval"/>
/// while it answers, backing off (doubling up to <see cref="OfficialStatusOptions.MaxBackoff"/>) while it does not. Its
/// incident updates become official statements on the service (the feed computes the acknowledgement lag against the
/// crowd's detection); its components' worst status is kept beside the crowd's verdict, the last known one while the
/// source is down.
/// </summary>
/// <remarks>
/// Polling times are real time, not the product clock (a status page lives in the real world); a statement is stamped
/// with the update's own time. A timer drives the reads while the grain is active; a reminder brings it back if its silo
/// dies. A hanging or hostile source costs this grain one bounded request at a time and nothing else.
/// </remarks>
public sealed partial class OfficialStatusGrain(
    [PersistentState("official", StorageNames.State)] IPersistentState<OfficialStatusState> state,
    ServiceCatalog catalog,
    StatuspageFetcher fetcher,
    IOptions<OfficialStatusOptions> options,
    [Microsoft.Extensions.DependencyInjection.FromKeyedServices(OutageClock.Key)] TimeProvider productClock,
    OutageMetrics metrics,
    ILogger<OfficialStatusGrain> logger) : Grain, IOfficialStatusGrain, IRemindable
{
    private const string ReminderName = "official-status";
    private readonly OfficialStatusOptions _options = options.Value;
    private bool _reminderHeld;

    private string ServiceId => this.GetPrimaryKeyString();

    private OfficialStatusState S => state.State;

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var tick = _options.PollInterval < TimeSpan.FromSeconds(10) ? _options.PollInterval : TimeSpan.FromSeconds(10);
        // Interleaved: while a read waits for a slow source (up to the request timeout, per document), GetStatus still
        // gets this grain's last known state at once. Ticks never overlap each other.
        this.RegisterGrainTimer(_ => PollIfDueAsync(), new GrainTimerCreationOptions(TimeSpan.Zero, tick) { Interleave = true, KeepAlive = true });
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task EnsurePollingAsync()
    {
        if (!_reminderHeld)
        {
            await this.RegisterOrUpdateReminder(ReminderName, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(5));
            _reminderHeld = true;
        }
    }

    /// <inheritdoc />
    public Task<OfficialStatusView?> GetAsync() => Task.FromResult(catalog.Find(ServiceId)?.OfficialSource is null ? null : new OfficialStatusView
    {
        ServiceId = ServiceId, Status = S.Status, Source = S.Source, LastSuccessAt = S.LastSuccessAt, LastError = S.LastError,
        LastErrorAt = S.LastErrorAt, ConsecutiveFailures = S.ConsecutiveFailures, NextPollAt = S.NextPollAt, StatementsPosted = S.StatementsPosted,
    });

    /// <inheritdoc />
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        // Being active is the point (the timer reads). Minutes after the source (or the service) was removed, this
        // silo's catalog copy says so: stop, and stop being woken up.
        if (catalog.Find(ServiceId)?.OfficialSource is null)
        {
            if (await this.GetReminder(ReminderName) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }

            DeactivateOnIdle();
        }
    }

    private async Task PollIfDueAsync()
    {
        if (catalog.Find(ServiceId)?.OfficialSource is not { } source)
        {
            return; // not in this silo's catalog copy yet (it follows the catalog grain within seconds), or removed
        }

        var now = DateTimeOffset.UtcNow;
        if (S.SourceUrl != source.Url)
        {
            state.State = new OfficialStatusState { SourceUrl = source.Url };
        }
        else if (now < S.NextPollAt)
        {
            return;
        }

        try
        {
            await ReadAsync(source, now);
            S.ConsecutiveFailures = 0;
            S.LastError = "";
            S.LastSuccessAt = now;
            S.NextPollAt = now + _options.PollInterval;
        }
        catch (Exception e) when (e is OfficialSourceException or FormatException or UriFormatException)
        {
            S.ConsecutiveFailures++;
            S.LastError = e.Message;
            S.LastErrorAt = now;
            var backoff = _options.PollInterval * Math.Pow(2, Math.Min(S.ConsecutiveFailures, 16));
            S.NextPollAt = now + (backoff < _options.MaxBackoff ? backoff : _options.MaxBackoff);
            metrics.OfficialSourceRead(ServiceId, "error");
            LogReadFailed(logger, ServiceId, S.ConsecutiveFailures, e.Message, S.NextPollAt);
        }

        await state.WriteStateAsync();
    }

    /// <summary>Reads summary.json (components) and incidents.json (incidents with their updates), each with its ETag.</summary>
    private async Task ReadAsync(OfficialStatusSource source, DateTimeOffset now)
    {
        var api = new Uri(source.Url.EndsWith('/') ? source.Url : source.Url + "/", UriKind.Absolute);
        if (await ReadDocumentAsync(api, "summary.json") is { } summary)
        {
            S.Status = OfficialStatusReader.WorstStatus(summary, source.Components);
            S.Source = api.Host;
        }

        if (await ReadDocumentAsync(api, "incidents.json") is { } incidents)
        {
            var productNow = productClock.GetUtcNow();
            var seen = S.SeenUpdates.ToHashSet(StringComparer.Ordinal);
            var feed = GrainFactory.GetGrain<IStatusFeedGrain>(0);
            foreach (var (updateId, statement) in OfficialStatusReader.NewStatements(incidents, source, ServiceId, seen, productNow - StatusFeed.StatementRetention, productNow))
            {
                await feed.PostStatementAsync(statement);
                S.SeenUpdates.Add(updateId);
                S.StatementsPosted++;
            }

            if (S.SeenUpdates.Count > OfficialStatusReader.SeenUpdatesKept)
            {
                S.SeenUpdates.RemoveRange(0, S.SeenUpdates.Count - OfficialStatusReader.SeenUpdatesKept);
            }
        }
    }

    /// <summary>The document, or null when it has not changed since the last read.</summary>
    private async Task<StatuspageDocument?> ReadDocumentAsync(Uri api, string name)
    {
        var result = await fetcher.GetAsync(new Uri(api, name), S.ETags.GetValueOrDefault(name), CancellationToken.None);
        if (result.IsNotModified)
        {
            metrics.OfficialSourceRead(ServiceId, "not_modified");
            return null;
        }

        var document = StatuspageDocument.Parse(result.Body);
        // Only once it parsed: a garbage answer's ETag must not hide the next good one behind a 304.
        if (result.ETag is { Length: > 0 } etag)
        {
            S.ETags[name] = etag;
        }

        metrics.OfficialSourceRead(ServiceId, "ok");
        return document;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Official status source of {Service}: read failed ({Failures} in a row): {Error}; next read at {Next:u}.")]
    private static partial void LogReadFailed(ILogger logger, string service, int failures, string error, DateTimeOffset next);
}
