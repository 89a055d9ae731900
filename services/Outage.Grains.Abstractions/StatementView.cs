using Outage.Detection;
using Outage.Detection.Incidents;

namespace Outage.Grains.Abstractions;

/// <summary>An official statement of a service's owner ("We're aware some people are having trouble...").</summary>
[GenerateSerializer, Immutable, Alias("outage.StatementView")]
public sealed record StatementView
{
    /// <summary>The service it is about.</summary>
    [Id(0)] public required string ServiceId { get; init; }

    /// <summary>What the owner says.</summary>
    [Id(1)] public required string Text { get; init; }

    /// <summary>Who posted it (the API key's name).</summary>
    [Id(2)] public string Author { get; init; } = "";

    /// <summary>When it was posted.</summary>
    [Id(3)] public DateTimeOffset PostedAt { get; init; }

    /// <summary>
    /// The incident it is attached to: the one named when posting, else the open incident of the service's
    /// worldwide series, else that of its series disrupted first; empty when none.
    /// </summary>
    [Id(4)] public string IncidentId { get; init; } = "";

    /// <summary>
    /// For the first statement during a disruption: the time from the crowd's detection (the earliest of the
    /// service's series to leave NORMAL) to this statement, the owner's acknowledgement lag.
    /// </summary>
    [Id(5)] public TimeSpan? AcknowledgementLag { get; init; }
}
