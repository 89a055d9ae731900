namespace Outage.Grains.OfficialStatus;

/// <summary>The persisted state of an <see cref="OfficialStatusGrain"/>: the last known state of its source and how reading it goes.</summary>
[GenerateSerializer, Alias("outage.OfficialStatusState")]
public sealed class OfficialStatusState
{
    /// <summary>The source URL this state was read from (a new URL starts afresh).</summary>
    [Id(0)] public string SourceUrl { get; set; } = "";

    /// <summary>ETag of each document read, sent back as If-None-Match.</summary>
    [Id(1)] public Dictionary<string, string> ETags { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The worst status of the service's components at the last success.</summary>
    [Id(2)] public string Status { get; set; } = "";

    /// <summary>The status page's host name.</summary>
    [Id(3)] public string Source { get; set; } = "";

    /// <summary>The last successful read (real time).</summary>
    [Id(4)] public DateTimeOffset? LastSuccessAt { get; set; }

    /// <summary>The last error, empty after a success.</summary>
    [Id(5)] public string LastError { get; set; } = "";

    /// <summary>When the last error happened (real time).</summary>
    [Id(6)] public DateTimeOffset? LastErrorAt { get; set; }

    /// <summary>Reads that failed in a row.</summary>
    [Id(7)] public int ConsecutiveFailures { get; set; }

    /// <summary>When the source is read next (real time).</summary>
    [Id(8)] public DateTimeOffset NextPollAt { get; set; }

    /// <summary>Ids of the incident updates already made into statements, newest last (bounded).</summary>
    [Id(9)] public List<string> SeenUpdates { get; set; } = [];

    /// <summary>Statements made from the source's incident updates.</summary>
    [Id(10)] public int StatementsPosted { get; set; }
}
