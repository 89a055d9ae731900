using Google.Protobuf.WellKnownTypes;
using Outage.Contracts.V1;

namespace Outage.Host.Tests;

/// <summary>Builds valid reports for tests.</summary>
internal static class Reports
{
    public static Report Valid(OutageHostFactory host, string service, string region, string category = "login", string? device = null, string? id = null) => new()
    {
        ReportId = id ?? Guid.NewGuid().ToString("N"),
        ServiceId = service,
        Region = region,
        Category = category,
        DeviceId = device ?? Guid.NewGuid().ToString("N"),
        OccurredAt = Timestamp.FromDateTimeOffset(host.Clock.GetUtcNow()),
        Platform = Platform.Android,
        AppVersion = "1.0",
    };

    /// <summary>The status code a call ends with: OK, or the code of its RpcException.</summary>
    public static async Task<global::Grpc.Core.StatusCode> CodeOf(Func<Task> call)
    {
        try
        {
            await call();
            return global::Grpc.Core.StatusCode.OK;
        }
        catch (global::Grpc.Core.RpcException e)
        {
            return e.StatusCode;
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds, checking every 50 ms, for at most <paramref name="seconds"/>.</summary>
    public static async Task<bool> Eventually(Func<Task<bool>> condition, double seconds = 10)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < until)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(50);
        }

        return await condition();
    }
}
