using Orleans.Concurrency;
using Outage.Detection.Incidents;
using Outage.Grains.Abstractions;

namespace Outage.Grains;

/// <summary>
/// The incident log: series incidents as they open, change and close, grouped under parent incidents
/// by the engine's <see cref="IncidentCorrelator"/> (one owner, detected within minutes of each other).
/// </summary>
/// <remarks>
/// Bounded: the newest <see cref="MaxIncidents"/> series incidents are kept. Reentrant: incidents recorded while the log is
/// being written share the next write (see <see cref="CoalescedWrites"/>); every method changes the state within one turn.
/// </remarks>
[Reentrant]
public sealed class IncidentLogGrain(
    [PersistentState("incidents", StorageNames.State)] IPersistentState<IncidentLogState> state) : Grain, IIncidentLogGrain
{
    private readonly CoalescedWrites _writes = new(state.WriteStateAsync);
    /// <summary>Series incidents kept.</summary>
    public const int MaxIncidents = 5000;

    private readonly IncidentCorrelator _correlator = new(IncidentCorrelator.DefaultWindow);
    private readonly Dictionary<string, GroupIncident> _groups = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _parentOf = new(StringComparer.Ordinal);

    private Dictionary<string, IncidentView> SeriesIncidents => state.State.Series;

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Rebuild the correlator's groups from the saved history, so grouping carries on after a restart.
        foreach (var (id, record) in state.State.Groups)
        {
            var members = record.Members.Select(m => SeriesIncidents.GetValueOrDefault(m)).OfType<IncidentView>().Select(v => v.ToSeriesIncident());
            _groups[id] = _correlator.Resume(id, record.Owner, record.OpenedAt, members);
            foreach (var member in record.Members)
            {
                _parentOf[member] = id;
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task RecordAsync(IncidentView incident)
    {
        var group = _correlator.Observe(incident.ToSeriesIncident());
        _groups[group.Id] = group;
        foreach (var member in group.Members)
        {
            _parentOf[member] = group.Id;
        }

        SeriesIncidents[incident.Id] = incident;
        state.State.Groups[group.Id] = new GroupRecord(group.Owner, group.OpenedAt, group.Members);
        if (SeriesIncidents.Count > MaxIncidents)
        {
            var oldest = SeriesIncidents.Values.OrderBy(i => i.DetectedAt).First();
            SeriesIncidents.Remove(oldest.Id);
            _parentOf.Remove(oldest.Id);
            state.State.Statements.Remove(oldest.Id);
        }

        foreach (var stale in state.State.Groups.Where(g => g.Value.Members.All(m => !SeriesIncidents.ContainsKey(m))).Select(g => g.Key).ToList())
        {
            state.State.Groups.Remove(stale);
            _groups.Remove(stale);
            state.State.Statements.Remove(stale);
        }

        await _writes.SaveAsync();
    }

    /// <inheritdoc />
    public async Task<bool> AttachStatementAsync(StatementView statement)
    {
        var id = statement.IncidentId;
        if (!SeriesIncidents.ContainsKey(id) && !_groups.ContainsKey(id))
        {
            return false;
        }

        if (!state.State.Statements.TryGetValue(id, out var statements))
        {
            state.State.Statements[id] = statements = [];
        }

        statements.Add(statement);
        await _writes.SaveAsync();
        return true;
    }

    /// <inheritdoc />
    public Task<IncidentView[]> ListAsync(string serviceId, string owner, bool openOnly, int limit, IncidentCursor? after = null)
    {
        var result = _groups.Values
            .Select(g => ViewOf(g))
            .Where(v => v is not null).Select(v => v!)
            .Where(v => serviceId.Length == 0 || v.Services.Contains(serviceId))
            .Where(v => owner.Length == 0 || v.Owner == owner)
            .Where(v => !openOnly || v.IsOpen)
            .Where(v => after is not { } cursor || cursor.Precedes(v))
            .OrderByDescending(v => v.DetectedAt).ThenBy(v => v.Id, StringComparer.Ordinal)
            .Take(limit)
            .ToArray();
        return Task.FromResult(result);
    }

    /// <inheritdoc />
    public Task<IncidentView[]?> GetAsync(string incidentId)
    {
        if (_groups.TryGetValue(incidentId, out var group) && ViewOf(group) is { } parent)
        {
            return Task.FromResult<IncidentView[]?>([parent, .. Members(group)]);
        }

        if (SeriesIncidents.TryGetValue(incidentId, out var series))
        {
            return Task.FromResult<IncidentView[]?>([WithStatements(series) with { ParentId = ParentIdOf(series.Id) }]);
        }

        return Task.FromResult<IncidentView[]?>(null);
    }

    private IEnumerable<IncidentView> Members(GroupIncident group) =>
        group.Members.Select(m => SeriesIncidents.GetValueOrDefault(m)).OfType<IncidentView>().Select(m => WithStatements(m) with { ParentId = group.Id });

    /// <summary>The incident with the statements posted on it and, for a parent, on its members, newest first.</summary>
    private IncidentView WithStatements(IncidentView incident, IEnumerable<string>? memberIds = null)
    {
        var posted = new[] { incident.Id }.Concat(memberIds ?? [])
            .SelectMany(id => state.State.Statements.GetValueOrDefault(id) ?? [])
            .OrderByDescending(s => s.PostedAt).ToArray();
        return posted.Length == 0 ? incident : incident with { Statements = posted };
    }

    /// <summary>A group of several incidents as a parent incident; a group of one as that series incident.</summary>
    private IncidentView? ViewOf(GroupIncident group)
    {
        var members = Members(group).ToList();
        if (members.Count == 0)
        {
            return null;
        }

        if (members.Count == 1)
        {
            // A group of one is shown as its series incident: statements posted on the group belong to it too.
            return WithStatements(members[0], [group.Id]) with { ParentId = "" };
        }

        var peak = members.MaxBy(m => m.PeakReports)!;
        return WithStatements(new IncidentView
        {
            Id = group.Id, Owner = group.Owner, Services = group.Services, Regions = group.Regions,
            Onset = members.Min(m => m.Onset), DetectedAt = group.OpenedAt, PeakLevel = group.PeakLevel,
            PeakReports = peak.PeakReports, PeakAt = peak.PeakAt, TopCategories = peak.TopCategories,
            RecoveringSince = members.All(m => m.RecoveringSince is not null) ? members.Max(m => m.RecoveringSince) : null,
            ClosedAt = group.ClosedAt, Members = members.Select(m => m.Id).ToArray(),
        }, members.Select(m => m.Id));
    }

    private string ParentIdOf(string seriesIncidentId) =>
        _parentOf.TryGetValue(seriesIncidentId, out var parent) && _groups.TryGetValue(parent, out var g) && g.Members.Count > 1 ? parent : "";
}
