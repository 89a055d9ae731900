namespace Outage.Detection.Incidents;

/// <summary>
/// Groups series incidents into parent incidents: a new incident joins an open group of the same owner
/// when it is detected within <see cref="Window"/> of the group's latest member (so a family-wide
/// outage that spreads over regions and services in a few minutes becomes one parent incident).
/// </summary>
/// <remarks>Pure and deterministic. Bounded: closed groups are returned to the caller and forgotten.</remarks>
public sealed class IncidentCorrelator(TimeSpan window)
{
    private readonly Dictionary<string, GroupState> _open = new(StringComparer.Ordinal);

    /// <summary>The default grouping window.</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromMinutes(10);

    /// <summary>How close in time a new incident must be to a group's latest member to join it.</summary>
    public TimeSpan Window => window;

    /// <summary>The open groups.</summary>
    public IEnumerable<GroupIncident> OpenGroups => _open.Values.Select(g => g.Snapshot);

    /// <summary>Restores a group saved earlier (its id, owner, opening time and members) and returns it as it stands.</summary>
    /// <remarks>An open group takes part in grouping again; a closed one is only returned.</remarks>
    public GroupIncident Resume(string id, string owner, DateTimeOffset openedAt, IEnumerable<SeriesIncident> members)
    {
        var group = new GroupState(id, owner, openedAt);
        foreach (var member in members)
        {
            group.Update(member);
        }

        if (group.Snapshot.IsOpen && group.Snapshot.Members.Count > 0)
        {
            _open[id] = group;
        }

        return group.Snapshot;
    }

    /// <summary>Records an opened, changed or closed series incident and returns its group as it now stands.</summary>
    public GroupIncident Observe(SeriesIncident incident)
    {
        var group = _open.Values.FirstOrDefault(g => g.Members.ContainsKey(incident.Id));
        if (group is null)
        {
            group = _open.Values
                .Where(g => g.Snapshot.Owner == incident.Owner && incident.DetectedAt - g.LatestDetection <= window)
                .OrderByDescending(g => g.LatestDetection)
                .FirstOrDefault();
            if (group is null)
            {
                // "family:" keeps group ids apart from series incident ids (a world series of a service named like its owner).
                group = new GroupState($"family:{incident.Owner}@{incident.DetectedAt.UtcDateTime:yyyyMMddTHHmmss}", incident.Owner, incident.DetectedAt);
                _open[group.Snapshot.Id] = group;
            }
        }

        group.Update(incident);
        if (!group.Snapshot.IsOpen)
        {
            _open.Remove(group.Snapshot.Id);
        }

        return group.Snapshot;
    }

    private sealed class GroupState(string id, string owner, DateTimeOffset openedAt)
    {
        public Dictionary<string, SeriesIncident> Members { get; } = new(StringComparer.Ordinal);

        public DateTimeOffset LatestDetection { get; private set; } = openedAt;

        public GroupIncident Snapshot { get; private set; } = new(id, owner, openedAt, [], [], [], DisruptionLevel.Normal, null);

        public void Update(SeriesIncident incident)
        {
            if (!Members.ContainsKey(incident.Id) && incident.DetectedAt > LatestDetection)
            {
                LatestDetection = incident.DetectedAt;
            }

            Members[incident.Id] = incident;
            var members = Members.Values.OrderBy(m => m.DetectedAt).ThenBy(m => m.Id, StringComparer.Ordinal).ToArray();
            var allClosed = members.All(m => !m.IsOpen);
            Snapshot = Snapshot with
            {
                Members = members.Select(m => m.Id).ToArray(),
                Services = members.Select(m => m.Series.ServiceId).Distinct().ToArray(),
                Regions = members.Select(m => m.Series.Region).Distinct().ToArray(),
                PeakLevel = members.Max(m => m.PeakLevel),
                ClosedAt = allClosed ? members.Max(m => m.ClosedAt) : null,
            };
        }
    }
}
