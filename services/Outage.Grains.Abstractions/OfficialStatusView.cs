namespace Outage.Grains.Abstractions;

/// <summary>What reading a service's official status source gives, and how the reading goes.</summary>
[GenerateSerializer, Immutable, Alias("outage.OfficialStatusView")]
public sealed record OfficialStatusView
{
    /// <summary>The service.</summary>
    [Id(0)] public required string ServiceId { get; init; }

    /// <summary>The worst status of the service's components at the last success (<c>operational</c>...), or empty before it.</summary>
    [Id(1)] public string Status { get; init; } = "";

    /// <summary>The status page's host name.</summary>
    [Id(2)] public string Source { get; init; } = "";

    /// <summary>The last successful read.</summary>
    [Id(3)] public DateTimeOffset? LastSuccessAt { get; init; }

    /// <summary>The last error, empty when the last read succeeded.</summary>
    [Id(4)] public string LastError { get; init; } = "";

    /// <summary>When the last error happened.</summary>
    [Id(5)] public DateTimeOffset? LastErrorAt { get; init; }

    /// <summary>Reads that failed in a row.</summary>
    [Id(6)] public int ConsecutiveFailures { get; init; }

    /// <summary>When the source is read next.</summary>
    [Id(7)] public DateTimeOffset NextPollAt { get; init; }

    /// <summary>Statements made from the source's incident updates.</summary>
    [Id(8)] public int StatementsPosted { get; init; }
}
