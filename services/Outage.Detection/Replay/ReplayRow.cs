namespace Outage.Detection.Replay;

/// <summary>One replayed row: the input and the detector's verdict after it.</summary>
/// <param name="Row">The input row.</param>
/// <param name="Assessment">The detector's assessment of that bucket.</param>
/// <param name="DisruptionStart">True on the row where a disruption starts (the series reaches <see cref="ReplayEngine.MarkLevel"/> from below it and from NORMAL).</param>
public readonly record struct ReplayRow(CountRow Row, SeriesAssessment Assessment, bool DisruptionStart);
