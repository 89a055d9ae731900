using System.Globalization;
using System.Text.Json;

namespace Outage.Detection.Evaluation;

/// <summary>A labelled anomaly window of one series, inclusive at both ends.</summary>
/// <param name="Start">First timestamp of the window.</param>
/// <param name="End">Last timestamp of the window.</param>
/// <param name="Label">The labelled anomaly itself (the window's centre when no label points are given).</param>
public readonly record struct LabelledWindow(DateTimeOffset Start, DateTimeOffset End, DateTimeOffset Label);
