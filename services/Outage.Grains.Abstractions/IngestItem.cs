using Outage.Detection;
using Outage.Detection.Incidents;

namespace Outage.Grains.Abstractions;

/// <summary>One report handed to its series grain, already validated.</summary>
/// <param name="ReportId">Hash of the client's idempotency key.</param>
/// <param name="Device">Keyed hash of the device id (device ids are never kept in clear).</param>
/// <param name="Category">Problem category from the catalog.</param>
[GenerateSerializer, Immutable, Alias("outage.IngestItem")]
public readonly record struct IngestItem([property: Id(0)] ulong ReportId, [property: Id(1)] ulong Device, [property: Id(2)] string Category);
