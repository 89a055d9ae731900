using System.Globalization;

namespace Outage.Detection.Replay;

/// <summary>One row of a bucketed count series: <c>timestamp,value</c>.</summary>
/// <param name="Timestamp">Start of the bucket (UTC).</param>
/// <param name="RawTimestamp">The timestamp exactly as written in the input, echoed in the output.</param>
/// <param name="Value">Reports (or mentions) counted in the bucket.</param>
public readonly record struct CountRow(DateTimeOffset Timestamp, string RawTimestamp, int Value);
