using Outage.Detection;
using Outage.Detection.Incidents;
using Outage.Grains.Abstractions;

namespace Outage.Grains;

/// <summary>
/// The detection side of one series: the detector under the catalog's current settings, the incident it tracks, and
/// when the open bucket is worth previewing. No Orleans in here: the grain feeds it buckets and acts on what it says.
/// </summary>
internal sealed class SeriesAnalysis
{
    /// <summary>Fewer new reports than this cannot raise a level (the detector wants more excess and reporters): no preview for them.</summary>
    private const int MinPreviewGrowth = 4;

    private readonly SeriesOptions _options;
    private readonly IncidentTracker _tracker;
    private readonly Dictionary<string, double> _childExpectations = new(StringComparer.Ordinal); // while young only
    private ServiceDefinition _service;
    private SeriesDetector _detector;
    private int _previewedReports; // the open bucket's count at its last preview

    /// <summary>Starts the analysis from saved detector state (or afresh) and the open incident, if any.</summary>
    /// <param name="series">The series.</param>
    /// <param name="service">Its catalog entry (detection settings, owner).</param>
    /// <param name="options">The series options (bucket width, cluster-wide detection settings).</param>
    /// <param name="saved">The detector's saved state, or null for a new series.</param>
    /// <param name="incident">The series' open incident, or null.</param>
    /// <param name="discarded">Called with the reason when saved state cannot be restored under these settings.</param>
    public SeriesAnalysis(SeriesKey series, ServiceDefinition service, SeriesOptions options, byte[]? saved, IncidentView? incident, Action<string> discarded)
    {
        _options = options;
        _service = service;
        var settings = options.DetectorSettings(service);
        _detector = saved is null ? new SeriesDetector(settings) : Restore(settings, saved, discarded);
        _tracker = new IncidentTracker(series, service.Owner, incident?.ToSeriesIncident());
    }

    /// <summary>The level of the last bucket assessed.</summary>
    public DisruptionLevel Level => _detector.Level;

    /// <summary>What the series usually sees per minute in the bucket starting at <paramref name="bucketStart"/>.</summary>
    public double ExpectedPerMinute(DateTimeOffset bucketStart) =>
        _detector.Baseline.Expected(bucketStart, _options.BucketWidth.TotalMinutes) / _options.BucketWidth.TotalMinutes;

    /// <summary>
    /// What this series tells its parent it usually sees per minute, stamped on its roll-ups (a young parent starts from
    /// the sum over its children). A young series whose own verdict on its open bucket is NORMAL passes on what it has seen
    /// this minute if that is more: its first minutes are its level as far as anyone knows, and a parent born with it (a
    /// whole deployment starting at full volume) would otherwise take the sum of its children's first minutes for an
    /// outage. A young series that judges its volume an outage passes on its expectation alone, so the parent sees it too.
    /// </summary>
    public double UsualPerMinuteForParent(BucketObservation open)
    {
        var expected = ExpectedPerMinute(open.Start);
        if (!_detector.IsYoung || open.Count / _options.BucketWidth.TotalMinutes <= expected || _detector.Preview(open).Level != DisruptionLevel.Normal)
        {
            return expected;
        }

        return open.Count / _options.BucketWidth.TotalMinutes;
    }

    /// <summary>A young parent starts from what its children report they expect (a new worldwide series born from its countries' roll-ups).</summary>
    /// <param name="children">Each child that delivered roll-ups, with what it stamped on its newest delta (per minute).</param>
    public void ChildrenExpect(IEnumerable<(string Child, double PerMinute)> children)
    {
        if (!_detector.IsYoung)
        {
            return;
        }

        var changed = false;
        foreach (var (child, perMinute) in children.Where(c => c.PerMinute > 0))
        {
            _childExpectations[child] = perMinute;
            changed = true;
        }

        if (changed)
        {
            // Once per call, not per child: a new country may hear from a thousand subdivisions in one call.
            _detector.AdoptChildrenExpectation(_childExpectations.Values.Sum());
        }
    }

    /// <summary>True while the series has too little history to trust its own baseline.</summary>
    public bool IsYoung => _detector.IsYoung;

    /// <summary>What the parent's open bucket holds, as the parent answered the last roll-ups (see <see cref="SeriesDetector.ParentSees"/>).</summary>
    public void ParentSees(DateTimeOffset bucketStart, double observed, double usualSoFar, bool mature)
    {
        if (mature)
        {
            _detector.ParentSees(bucketStart, observed - usualSoFar);
        }
    }

    /// <summary>Assesses a closed bucket and learns from it; returns the incident when this bucket changed it.</summary>
    public (SeriesAssessment Assessment, SeriesIncident? Incident) Close(BucketObservation bucket)
    {
        var assessment = _detector.Step(bucket);
        _previewedReports = 0;
        return (assessment, _tracker.Observe(assessment));
    }

    /// <summary>
    /// Judges the open bucket without learning, when it has grown enough since the last preview to be worth a copy of
    /// the detector: by a quarter and by <see cref="MinPreviewGrowth"/> reports (under load), or by anything
    /// (<paramref name="anyGrowth"/>, on the timer). A surge is judged within a quarter of its count. Null when not due.
    /// </summary>
    public SeriesAssessment? Preview(BucketObservation open, bool anyGrowth)
    {
        var due = anyGrowth ? open.Count > _previewedReports : open.Count >= Math.Max(_previewedReports + MinPreviewGrowth, _previewedReports * 5 / 4);
        if (!due)
        {
            return null;
        }

        _previewedReports = open.Count;
        return _detector.Preview(open);
    }

    /// <summary>Judges the open bucket for a read, whatever its growth.</summary>
    public SeriesAssessment Peek(BucketObservation open) => _detector.Preview(open);

    /// <summary>Expected count of the bucket starting at <paramref name="start"/>.</summary>
    public double Expected(DateTimeOffset start) => _detector.Baseline.Expected(start, _options.BucketWidth.TotalMinutes);

    /// <summary>
    /// Takes up detection settings an operator changed in the catalog, keeping everything learnt (the detector's state
    /// moves to the new settings as it would across a reactivation). A removed service keeps its settings.
    /// </summary>
    public void Follow(ServiceDefinition? current)
    {
        if (current is null || ReferenceEquals(current, _service))
        {
            return;
        }

        if (current.DetectionDiffers(_service))
        {
            _detector = SeriesDetector.Restore(_options.DetectorSettings(current), _detector.Save());
        }

        _service = current;
    }

    /// <summary>The detector's state, to save.</summary>
    public byte[] Save() => _detector.Save();

    private static SeriesDetector Restore(DetectorSettings settings, byte[] saved, Action<string> discarded)
    {
        try
        {
            return SeriesDetector.Restore(settings, saved);
        }
        catch (InvalidDataException e)
        {
            discarded(e.Message);
            return new SeriesDetector(settings);
        }
    }
}
