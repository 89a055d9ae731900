namespace Outage.Detection;

/// <summary>How a step ended an incident, if it did.</summary>
internal enum IncidentEnd
{
    /// <summary>No incident ended.</summary>
    None,

    /// <summary>Counts stayed near the baseline for the recovery duration: recovered.</summary>
    Recovered,

    /// <summary>The incident lasted so long that its level is the series' new normal.</summary>
    NewNormal,
}
