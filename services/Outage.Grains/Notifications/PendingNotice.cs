using Outage.Grains.Abstractions;

namespace Outage.Grains.Notifications;

/// <summary>The latest change of one subject not yet put in a message: a newer change of the subject replaces it.</summary>
[GenerateSerializer, Alias("outage.PendingNotice")]
public sealed class PendingNotice
{
    /// <summary>The series key, or for a statement a key of its own (statements are never merged).</summary>
    [Id(0)] public required string Subject { get; init; }

    /// <summary>The latest status of the series.</summary>
    [Id(1)] public required SeriesStatusView Status { get; set; }

    /// <summary>The statement, for a statement notice.</summary>
    [Id(2)] public StatementView? Statement { get; init; }

    /// <summary>When the first change of this notice arrived (product clock).</summary>
    [Id(3)] public DateTimeOffset FirstAt { get; init; }

    /// <summary>When the latest change arrived (product clock).</summary>
    [Id(4)] public DateTimeOffset LastAt { get; set; }

    /// <summary>Trace contexts of the changes merged into it.</summary>
    [Id(5)] public List<string> TraceParents { get; init; } = [];
}
