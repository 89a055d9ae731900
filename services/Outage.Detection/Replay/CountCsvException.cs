using System.Globalization;

namespace Outage.Detection.Replay;

/// <summary>A malformed count CSV: names the file and the 1-based line.</summary>
public sealed class CountCsvException(string file, int line, string message)
    : Exception($"{file}:{line}: {message}")
{
    /// <summary>The file that is malformed.</summary>
    public string File { get; } = file;

    /// <summary>The 1-based line number of the first problem.</summary>
    public int Line { get; } = line;
}
