namespace Outage.Host.Hosting;

/// <summary>
/// A product clock that runs <see cref="Speed"/> times faster than real time from the moment the host
/// starts: for demonstrations with <c>outage simulate --speed</c> (set <c>Outage:Clock:Speed</c> to the
/// same value). Orleans' own timers are untouched.
/// </summary>
internal sealed class ScaledTimeProvider(double speed) : TimeProvider
{
    private readonly DateTimeOffset _start = System.GetUtcNow();
    private readonly long _startTimestamp = System.GetTimestamp();

    public double Speed => speed;

    public override DateTimeOffset GetUtcNow() => _start + System.GetElapsedTime(_startTimestamp) * speed;
}
