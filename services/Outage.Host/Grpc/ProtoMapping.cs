using Google.Protobuf.WellKnownTypes;
using Outage.Contracts.V1;
using Outage.Grains;
using Outage.Grains.Abstractions;
using DisruptionLevelModel = Outage.Detection.DisruptionLevel;

namespace Outage.Host.Grpc;

/// <summary>Maps grain views to proto messages.</summary>
internal static class ProtoMapping
{
    public static DisruptionLevel ToProto(this DisruptionLevelModel level) => level switch
    {
        DisruptionLevelModel.Normal => DisruptionLevel.Normal,
        DisruptionLevelModel.Elevated => DisruptionLevel.Elevated,
        DisruptionLevelModel.Disrupted => DisruptionLevel.Disrupted,
        DisruptionLevelModel.Outage => DisruptionLevel.Outage,
        _ => DisruptionLevel.Unspecified,
    };

    /// <summary>A day of history; <paramref name="withheld"/> hides its reports (the privacy rule).</summary>
    public static Contracts.V1.DailySummary ToProto(this Grains.Abstractions.DailySummary d, int minutesNormal, bool withheld) => new()
    {
        DayStartTime = Timestamp.FromDateTimeOffset(d.Day),
        WorstLevel = d.Worst.ToProto(),
        MinutesNormal = minutesNormal,
        MinutesElevated = d.MinutesElevated,
        MinutesDisrupted = d.MinutesDisrupted,
        MinutesOutage = d.MinutesOutage,
        Reports = withheld ? 0 : d.Reports,
        Incidents = d.Incidents,
        ReportsWithheld = withheld && d.Reports > 0,
    };

    public static SeriesStatus ToProto(this SeriesStatusView s)
    {
        var explanation = new Explanation
        {
            Window = Duration.FromTimeSpan(s.Window),
            Observed = s.Observed,
            Expected = s.Expected,
            Ratio = s.Ratio,
            Evidence = s.Evidence,
            Threshold = s.Threshold,
            DistinctReporters = s.DistinctReporters,
            Recovering = s.Recovering,
            SinceTime = s.Since is { } since ? Timestamp.FromDateTimeOffset(since) : null,
        };
        explanation.TopCategories.AddRange(s.TopCategories.Select(c => new CategoryShare { Category = c.Category, Share = c.Share }));
        return new SeriesStatus
        {
            ServiceId = s.ServiceId,
            Region = s.Region,
            Level = s.Level.ToProto(),
            Explanation = explanation,
            AssessedTime = Timestamp.FromDateTimeOffset(s.AssessedAt),
            IncidentId = s.IncidentId,
            Statements = { s.Statements.Select(ToProto) },
        };
    }

    public static Service ToProto(this ServiceDefinition s) => new()
    {
        ServiceId = s.Id, DisplayName = s.DisplayName, Owner = s.Owner, Categories = { s.Categories },
        MinDistinctReporters = s.MinDistinctReporters, FalseAlarmsPer30Days = s.FalseAlarmsPer30Days,
        OfficialSource = s.OfficialSource is { } source ? new Contracts.V1.OfficialStatusSource { Url = source.Url, Components = { source.Components } } : null,
    };

    /// <summary>What a service's status page said at the last successful read; null before the first.</summary>
    public static OfficialStatus? ToProto(this OfficialStatusView v) => v.LastSuccessAt is not { } checkedAt ? null : new OfficialStatus
    {
        Status = v.Status, Source = v.Source, CheckedTime = Timestamp.FromDateTimeOffset(checkedAt),
    };

    public static GetOfficialSourceResponse ToProto(this OfficialStatusView v, Grains.Abstractions.OfficialStatusSource source) => new()
    {
        Source = new Contracts.V1.OfficialStatusSource { Url = source.Url, Components = { source.Components } },
        Official = v.ToProto(),
        LastSuccessTime = v.LastSuccessAt is { } success ? Timestamp.FromDateTimeOffset(success) : null,
        LastError = v.LastError,
        LastErrorTime = v.LastErrorAt is { } error ? Timestamp.FromDateTimeOffset(error) : null,
        ConsecutiveFailures = v.ConsecutiveFailures,
        NextPollTime = Timestamp.FromDateTimeOffset(v.NextPollAt == default ? DateTimeOffset.UtcNow : v.NextPollAt),
        StatementsPosted = v.StatementsPosted,
    };

    public static Statement ToProto(this StatementView v) => new()
    {
        ServiceId = v.ServiceId, Text = v.Text, Author = v.Author, PostedTime = Timestamp.FromDateTimeOffset(v.PostedAt),
        IncidentId = v.IncidentId, AcknowledgementLag = v.AcknowledgementLag is { } lag ? Duration.FromTimeSpan(lag) : null,
    };

    public static Incident ToProto(this IncidentView v)
    {
        var incident = new Incident
        {
            IncidentId = v.Id,
            Owner = v.Owner,
            OnsetTime = Timestamp.FromDateTimeOffset(v.Onset),
            DetectedTime = Timestamp.FromDateTimeOffset(v.DetectedAt),
            PeakLevel = v.PeakLevel.ToProto(),
            PeakReports = v.PeakReports,
            PeakTime = v.PeakAt is { } peak ? Timestamp.FromDateTimeOffset(peak) : null,
            RecoveringTime = v.RecoveringSince is { } r ? Timestamp.FromDateTimeOffset(r) : null,
            ClosedTime = v.ClosedAt is { } c ? Timestamp.FromDateTimeOffset(c) : null,
            ParentIncidentId = v.ParentId,
        };
        incident.ServiceIds.AddRange(v.Services);
        incident.Regions.AddRange(v.Regions);
        incident.TopCategories.AddRange(v.TopCategories.Select(t => new CategoryShare { Category = t.Category, Share = t.Share }));
        incident.MemberIncidentIds.AddRange(v.Members);
        incident.Statements.AddRange(v.Statements.Select(ToProto));
        incident.AcknowledgementLag = v.AcknowledgementLag is { } lag ? Duration.FromTimeSpan(lag) : null;
        return incident;
    }

    public static ReportOutcome ToProto(this IngestOutcome outcome) => outcome switch
    {
        IngestOutcome.Accepted => ReportOutcome.Accepted,
        IngestOutcome.Duplicate => ReportOutcome.Duplicate,
        IngestOutcome.DeviceAlreadyCounted => ReportOutcome.DeviceAlreadyCounted,
        _ => ReportOutcome.Unspecified,
    };
}
