using Polly;
using Polly.Retry;
using StackExchange.Redis;

namespace Outage.Host.Hosting;

/// <summary>
/// Holds start-up until Redis answers, retrying with backoff, so a Redis that is briefly unreachable
/// (a pod starting before its Redis, a Redis restart) delays the silo instead of crashing it. Registered
/// before Orleans, whose membership would otherwise fail to start. Then opens the journal's connection.
/// </summary>
internal sealed partial class RedisStartupGate(string connectionString, TimeSpan timeout, IServiceProvider services, ILogger<RedisStartupGate> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = 2000;
        var attempt = 0;
        var pipeline = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<RedisException>().Handle<TimeoutException>(),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                Delay = TimeSpan.FromMilliseconds(500),
                MaxDelay = TimeSpan.FromSeconds(5),
                OnRetry = args =>
                {
                    LogWaiting(logger, ++attempt, args.Outcome.Exception?.GetType().Name ?? "no answer");
                    return default;
                },
            })
            .AddTimeout(timeout)
            .Build();
        await pipeline.ExecuteAsync(async ct =>
        {
            await using var connection = await ConnectionMultiplexer.ConnectAsync(options);
            await connection.GetDatabase().PingAsync();
            ct.ThrowIfCancellationRequested();
        }, cancellationToken);
        LogReady(logger, attempt);
        // The series journal's connection is made now, once, rather than by the first grain activations,
        // whose synchronous connect under a burst of activations starved the thread pool for seconds.
        _ = services.GetService<IConnectionMultiplexer>();
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis not reachable yet (attempt {Attempt}, {Reason}); waiting before starting.")]
    private static partial void LogWaiting(ILogger logger, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis reachable after {Retries} retries.")]
    private static partial void LogReady(ILogger logger, int retries);
}
