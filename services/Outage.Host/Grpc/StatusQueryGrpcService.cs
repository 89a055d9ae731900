using Outage.Detection;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Outage.Contracts.V1;
using Outage.Grains;
using Outage.Grains.Abstractions;
using Outage.Host.Watch;

namespace Outage.Host.Grpc;

/// <summary>StatusQueryService: thin adapters from proto to grain calls, and the watch stream from the local hub.</summary>
internal sealed class StatusQueryGrpcService(
    IGrainFactory grains,
    ServiceCatalog catalog,
    WatchHub hub,
    [FromKeyedServices(OutageClock.Key)] TimeProvider time,
    IOptions<SeriesOptions> seriesOptions,
    IOptions<WatchOptions> watchOptions,
    Security.PrivacyFilter privacy) : StatusQueryService.StatusQueryServiceBase
{
    private static readonly TimeSpan[] TimelineWidths = [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15)];

    public override Task<ListServicesResponse> ListServices(ListServicesRequest request, ServerCallContext context)
    {
        var response = new ListServicesResponse();
        response.Services.AddRange(catalog.Services.Select(s => s.ToProto()));
        return Task.FromResult(response);
    }

    public override async Task<GetStatusResponse> GetStatus(GetStatusRequest request, ServerCallContext context)
    {
        ValidateSeries(request.ServiceId, request.Region);
        var series = grains.GetSeries(new SeriesKey(request.ServiceId, request.Region));
        // The peek is answered between the series' ingest calls, not behind them; only an idle series with a bucket
        // still to close is asked the long way.
        var status = await series.PeekStatusAsync() ?? await series.GetStatusAsync();
        var response = new GetStatusResponse { Status = Shown(status, context).ToProto() };
        if (catalog.Find(request.ServiceId)?.OfficialSource is not null
            && await grains.GetGrain<IOfficialStatusGrain>(request.ServiceId).GetAsync() is { } official)
        {
            // "official: operational" while the crowd says OUTAGE is exactly what people want to see.
            response.Status.Official = official.ToProto();
        }

        return response;
    }

    public override async Task<ListDisruptionsResponse> ListDisruptions(ListDisruptionsRequest request, ServerCallContext context)
    {
        var snapshot = await grains.GetGrain<IStatusFeedGrain>(0).GetSnapshotAsync();
        var response = new ListDisruptionsResponse();
        response.Disruptions.AddRange(snapshot.Disruptions
            .Where(s => Matches(s, request.ServiceId, request.Owner, request.Region))
            .OrderByDescending(s => s.Level).ThenByDescending(s => s.Ratio).ThenBy(s => s.Series.ToString(), StringComparer.Ordinal)
            .Select(s => Shown(s, context).ToProto()));
        return response;
    }

    public override async Task<GetTimelineResponse> GetTimeline(GetTimelineRequest request, ServerCallContext context)
    {
        ValidateSeries(request.ServiceId, request.Region);
        var width = request.BucketWidth?.ToTimeSpan() ?? TimeSpan.FromMinutes(5);
        if (!TimelineWidths.Contains(width))
        {
            RpcErrors.InvalidArgument("bucket_width", "must be 1, 5 or 15 minutes");
        }

        var retention = seriesOptions.Value.TimelineRetention;
        var window = request.Window?.ToTimeSpan() ?? TimeSpan.FromHours(24);
        if (window <= TimeSpan.Zero || window > retention)
        {
            RpcErrors.InvalidArgument("window", $"must be positive and at most the retention of {retention}");
        }

        var points = await grains.GetSeries(new SeriesKey(request.ServiceId, request.Region)).GetTimelineAsync(window);
        var now = time.GetUtcNow();
        var end = BucketClock.Floor(now, width) + width;
        var count = (int)Math.Ceiling(window / width);
        var start = end - count * width;
        var buckets = Enumerable.Range(0, count).Select(i => new TimelineBucket
        {
            StartTime = Timestamp.FromDateTimeOffset(start + i * width), Level = Contracts.V1.DisruptionLevel.Normal,
        }).ToArray();
        foreach (var p in points.Where(p => p.Start >= start && p.Start < end))
        {
            var bucket = buckets[(int)((p.Start - start) / width)];
            bucket.Reports += p.Reports;
            bucket.Expected += p.Expected;
            bucket.Level = (Contracts.V1.DisruptionLevel)Math.Max((int)bucket.Level, (int)p.Level.ToProto());
        }

        if (privacy.Applies(context) && privacy.HidesTimeline(request.Region, buckets.Sum(b => b.Reports)))
        {
            foreach (var bucket in buckets)
            {
                bucket.Reports = 0;
            }
        }

        var response = new GetTimelineResponse();
        response.Buckets.AddRange(buckets);
        return response;
    }

    public override async Task<ListIncidentsResponse> ListIncidents(ListIncidentsRequest request, ServerCallContext context)
    {
        if (request.PageSize is < 0 or > 500)
        {
            RpcErrors.InvalidArgument("page_size", "must be between 0 (default 50) and 500");
        }

        var filters = $"{request.ServiceId}|{request.Owner}|{request.OpenOnly}";
        IncidentCursor? after = null;
        if (request.PageToken.Length > 0)
        {
            after = IncidentPageToken.Read(request.PageToken, filters);
            if (after is null)
            {
                RpcErrors.InvalidArgument("page_token", "is not a next_page_token of this list with these filters");
            }
        }

        var size = request.PageSize == 0 ? 50 : request.PageSize;
        // One more than the page tells whether there is a next page.
        var incidents = await grains.GetGrain<IIncidentLogGrain>(0).ListAsync(request.ServiceId, request.Owner, request.OpenOnly, size + 1, after);
        var page = incidents.Take(size).ToArray();
        var response = new ListIncidentsResponse
        {
            NextPageToken = incidents.Length > size ? IncidentPageToken.Write(new IncidentCursor(page[^1].DetectedAt, page[^1].Id), filters) : "",
        };
        response.Incidents.AddRange(page.Select(i => i.ToProto()));
        return response;
    }

    public override async Task<GetHistoryResponse> GetHistory(GetHistoryRequest request, ServerCallContext context)
    {
        ValidateSeries(request.ServiceId, request.Region);
        var retention = seriesOptions.Value.HistoryRetentionDays;
        if (request.Days < 0 || request.Days > retention)
        {
            RpcErrors.InvalidArgument("days", $"must be between 0 (default: {retention}) and the retention of {retention} days");
        }

        var days = request.Days == 0 ? retention : request.Days;
        var summaries = await grains.GetSeries(new SeriesKey(request.ServiceId, request.Region)).GetHistoryAsync(days);
        var redacted = privacy.Applies(context);
        var now = time.GetUtcNow();
        var response = new GetHistoryResponse { RetentionDays = retention };
        response.Days.AddRange(DailyHistory.Every(summaries, now, days).Select(d =>
            d.ToProto(DailyHistory.MinutesNormal(d, now), withheld: redacted && privacy.HidesTimeline(request.Region, d.Reports))));
        return response;
    }

    public override async Task<GetIncidentResponse> GetIncident(GetIncidentRequest request, ServerCallContext context)
    {
        if (request.IncidentId.Length is 0 or > 200)
        {
            RpcErrors.InvalidArgument("incident_id", "must be 1 to 200 characters");
        }

        var found = await grains.GetGrain<IIncidentLogGrain>(0).GetAsync(request.IncidentId);
        if (found is null)
        {
            RpcErrors.NotFound($"No incident '{request.IncidentId}'.");
        }

        var response = new GetIncidentResponse { Incident = found[0].ToProto() };
        response.Members.AddRange(found.Skip(1).Select(m => m.ToProto()));
        return response;
    }

    public override async Task WatchStatus(WatchStatusRequest request, IServerStreamWriter<WatchStatusResponse> responseStream, ServerCallContext context)
    {
        var v = new RequestValidation();
        v.Service(catalog, "service_id", request.ServiceId, required: false);
        v.Region("region", request.Region);
        v.ThrowIfInvalid();

        var ct = context.CancellationToken;
        // Join the live feed first, so nothing published while the snapshot is read is missed.
        using var subscription = hub.Subscribe();
        // Headers now, before any change: the client (a browser on the JSON route too) knows the stream is up even when all is quiet.
        await context.WriteResponseHeadersAsync([]);
        var feed = grains.GetGrain<IStatusFeedGrain>(0);
        long sent;
        var replay = request.AfterSequence > 0 ? await feed.GetChangesAfterAsync(request.AfterSequence) : null;
        if (replay is not null)
        {
            foreach (var change in replay.Where(c => Matches(c.Status, request.ServiceId, "", request.Region)))
            {
                await responseStream.WriteAsync(ToResponse(change, snapshot: false, context), ct);
            }

            sent = replay.Length > 0 ? replay[^1].Sequence : request.AfterSequence;
        }
        else
        {
            var snapshot = await feed.GetSnapshotAsync();
            foreach (var status in snapshot.Disruptions.Where(s => Matches(s, request.ServiceId, "", request.Region)))
            {
                await responseStream.WriteAsync(new WatchStatusResponse { Sequence = snapshot.Sequence, Snapshot = true, Status = Shown(status, context).ToProto() }, ct);
            }

            sent = snapshot.Sequence;
        }

        // The watcher of a healthy system knows it is connected and that all is well: not silence.
        var heartbeat = watchOptions.Value.HeartbeatInterval;
        await responseStream.WriteAsync(new WatchStatusResponse { Sequence = sent, SnapshotComplete = true, HeartbeatInterval = Duration.FromTimeSpan(heartbeat) }, ct);
        while (!ct.IsCancellationRequested)
        {
            using var quiet = CancellationTokenSource.CreateLinkedTokenSource(ct);
            quiet.CancelAfter(heartbeat);
            StatusChange change;
            try
            {
                change = await subscription.Reader.ReadAsync(quiet.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                await responseStream.WriteAsync(new WatchStatusResponse { Sequence = sent, Heartbeat = true }, ct);
                continue;
            }
            catch (System.Threading.Channels.ChannelClosedException)
            {
                return; // the hub dropped a watcher that fell behind: the stream ends, the client resumes from its last sequence
            }

            if (change.Sequence > sent && Matches(change.Status, request.ServiceId, "", request.Region))
            {
                await responseStream.WriteAsync(ToResponse(change, snapshot: false, context), ct);
                sent = change.Sequence;
            }
        }
    }

    private WatchStatusResponse ToResponse(StatusChange change, bool snapshot, ServerCallContext context) => new()
    {
        Sequence = change.Sequence, Snapshot = snapshot, Status = Shown(change.Status, context).ToProto(), PreviousLevel = change.PreviousLevel.ToProto(),
    };

    /// <summary>
    /// The status as this caller may see it, with the service's official statements (regional detail from
    /// too few reporters hidden from partners).
    /// </summary>
    private SeriesStatusView Shown(SeriesStatusView status, ServerCallContext context)
    {
        var withStatements = status.Statements.Count > 0 ? status : status with { Statements = hub.Statements(status.ServiceId) };
        return privacy.Applies(context) ? privacy.Redact(withStatements) : withStatements;
    }

    private bool Matches(SeriesStatusView s, string serviceId, string owner, string region) =>
        (serviceId.Length == 0 || s.ServiceId == serviceId)
        && (owner.Length == 0 || catalog.Find(s.ServiceId)?.Owner == owner)
        && (region.Length == 0 || s.Region == region || (region.Length == 2 && s.Region.StartsWith(region + "-", StringComparison.Ordinal)));

    private void ValidateSeries(string serviceId, string region)
    {
        var v = new RequestValidation();
        v.Service(catalog, "service_id", serviceId);
        v.Region("region", region);
        v.ThrowIfInvalid();
    }
}
