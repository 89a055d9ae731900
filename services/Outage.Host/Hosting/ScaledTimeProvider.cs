namespace Outage.Host.Hosting;

/// <summary>
/// A product clock that runs <see cref="Speed"/> times faster than real time from the moment the host
/// starts: for demonstrations with <c>outage simulate --speed</c> (set <c>Outage:Clock:Speed</c> to the
/// same value). Orleans' own timers are untouched. Product time is <c>epoch + (now − epoch) × speed</c>:
/// processes that share <c>Outage:Clock:Epoch</c> share one product clock, also across restarts; without
/// it the epoch is this process's start.
/// </summary>
internal sealed class ScaledTimeProvider(double speed, DateTimeOffset? epoch) : TimeProvider
{
    private readonly DateTimeOffset _epoch = epoch ?? System.GetUtcNow();

    public double Speed => speed;

    public override DateTimeOffset GetUtcNow() => _epoch + (System.GetUtcNow() - _epoch) * speed;
}
