using System.Collections.Frozen;

namespace Outage.Grains.Abstractions;

/// <summary>Fields of a <see cref="ServiceDefinition"/> an update replaces.</summary>
[Flags]
public enum ServiceFields
{
    /// <summary>None.</summary>
    None = 0,

    /// <summary><see cref="ServiceDefinition.DisplayName"/>.</summary>
    DisplayName = 1,

    /// <summary><see cref="ServiceDefinition.Owner"/>.</summary>
    Owner = 2,

    /// <summary><see cref="ServiceDefinition.Categories"/>.</summary>
    Categories = 4,

    /// <summary><see cref="ServiceDefinition.MinDistinctReporters"/>.</summary>
    MinDistinctReporters = 8,

    /// <summary><see cref="ServiceDefinition.FalseAlarmsPer30Days"/>.</summary>
    FalseAlarmsPer30Days = 16,

    /// <summary><see cref="ServiceDefinition.OfficialSource"/>.</summary>
    OfficialSource = 32,

    /// <summary>Every field but the id.</summary>
    All = DisplayName | Owner | Categories | MinDistinctReporters | FalseAlarmsPer30Days | OfficialSource,
}
