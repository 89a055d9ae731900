using Outage.Detection;
using Outage.Grains.Abstractions;

namespace Outage.Grains;

/// <summary>The product's clock: a keyed <see cref="TimeProvider"/> so tests can move it without moving Orleans' own timers.</summary>
public static class OutageClock
{
    /// <summary>The service key of the product's <see cref="TimeProvider"/>.</summary>
    public const string Key = "outage-clock";
}
