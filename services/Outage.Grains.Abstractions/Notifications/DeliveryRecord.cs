namespace Outage.Grains.Abstractions.Notifications;

/// <summary>One delivery attempt, as the delivery log keeps it.</summary>
[GenerateSerializer, Immutable, Alias("outage.DeliveryRecord")]
public sealed record DeliveryRecord
{
    /// <summary>The message's id (the <c>webhook-id</c>), the same on every attempt of one message.</summary>
    [Id(0)] public required string MessageId { get; init; }

    /// <summary>The event type.</summary>
    [Id(1)] public required string Type { get; init; }

    /// <summary>Attempt number of this message, from 1.</summary>
    [Id(2)] public int Attempt { get; init; }

    /// <summary>When it was attempted (product clock).</summary>
    [Id(3)] public DateTimeOffset AttemptedAt { get; init; }

    /// <summary>True when the target accepted it (HTTP 2xx, or the SMTP server took the message).</summary>
    [Id(4)] public bool Delivered { get; init; }

    /// <summary>The HTTP status answered; 0 when there was no answer (refused address, timeout, unreachable, e-mail).</summary>
    [Id(5)] public int HttpStatus { get; init; }

    /// <summary>Time from the request to the answer.</summary>
    [Id(6)] public TimeSpan Latency { get; init; }

    /// <summary>What went wrong; empty when delivered.</summary>
    [Id(7)] public string Error { get; init; } = "";

    /// <summary>When the next attempt is due, for a failed attempt that will be retried.</summary>
    [Id(8)] public DateTimeOffset? NextAttemptAt { get; init; }

    /// <summary>The series (<c>service/region</c>) or service the message is about.</summary>
    [Id(9)] public IReadOnlyList<string> Subjects { get; init; } = [];
}
