using System.Globalization;
using System.Reflection;
using Outage.Detection.Replay;

namespace Outage.Detection.Evaluation;

/// <summary>A labelled series to evaluate on: its name (relative to the data folder), rows and windows.</summary>
/// <param name="Name">The file's path relative to the data folder, as the labels name it.</param>
/// <param name="Rows">The counts.</param>
/// <param name="Windows">The labelled windows.</param>
public sealed record LabelledSeries(string Name, IReadOnlyList<CountRow> Rows, IReadOnlyList<LabelledWindow> Windows);
