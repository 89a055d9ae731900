using System.Globalization;
using System.Reflection;
using Outage.Detection.Replay;

namespace Outage.Detection.Evaluation;

/// <summary>One fold of a leave-one-out evaluation: the settings chosen on the other files, scored on this one.</summary>
/// <param name="HeldOut">The file scored.</param>
/// <param name="Chosen">The grid point chosen on the other files (name → value).</param>
/// <param name="TrainingScore">The chosen point's normalised score on the other files.</param>
/// <param name="Score">The chosen point's score on the held-out file.</param>
/// <param name="Normalised">That score normalised on the held-out file alone.</param>
public sealed record Fold(string HeldOut, IReadOnlyDictionary<string, string> Chosen, double TrainingScore, FileScore Score, double Normalised);
