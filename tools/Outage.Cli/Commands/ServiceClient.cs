using System.Collections.Concurrent;
using System.CommandLine;
using Grpc.Core;
using Grpc.Net.Client;
using Outage.Contracts.V1;

namespace Outage.Cli.Commands;

/// <summary>The connection to a running Outage service, shared by the commands that talk to it.</summary>
internal static class ServiceClient
{
    public const string DefaultServer = "http://127.0.0.1:5080";

    /// <summary>The --server option (environment OUTAGE_SERVER, default the host's gRPC endpoint).</summary>
    public static Option<string> ServerOption() => new("--server")
    {
        Description = $"gRPC address of the Outage service (default $OUTAGE_SERVER or {DefaultServer}).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("OUTAGE_SERVER") ?? DefaultServer,
    };

    /// <summary>
    /// The --key option, on every command (environment OUTAGE_API_KEY): sent as <c>authorization: Bearer KEY</c>.
    /// State-changing commands need a key with the admin scope; a host with no key configured prints one at first start.
    /// </summary>
    public static readonly Option<string?> KeyOption = new("--key")
    {
        Description = "API key sent as 'authorization: Bearer KEY' (default $OUTAGE_API_KEY). 'outage statement' needs one with the admin scope.",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("OUTAGE_API_KEY"),
    };

    /// <summary>The key every call of this command carries, or null (set from <see cref="KeyOption"/> before the command runs).</summary>
    public static string? ApiKey { get; set; }

    // One channel per address for the whole command (a channel is a connection pool, meant to be shared), disposed when
    // the command's call is done (see Run).
    private static readonly ConcurrentDictionary<string, GrpcChannel> Channels = new(StringComparer.Ordinal);

    public static GrpcChannel Channel(string server) =>
        Channels.GetOrAdd(server, static address =>
        {
            var options = new GrpcChannelOptions { MaxReceiveMessageSize = 64 * 1024 * 1024 };
            if (ApiKey is { Length: > 0 } key)
            {
                options.Credentials = ChannelCredentials.Create(
                    address.StartsWith("https:", StringComparison.OrdinalIgnoreCase) ? ChannelCredentials.SecureSsl : ChannelCredentials.Insecure,
                    CallCredentials.FromInterceptor((_, metadata) =>
                    {
                        metadata.Add("authorization", "Bearer " + key);
                        return Task.CompletedTask;
                    }));
                // The embedded host serves plain HTTP on loopback: the key may travel there too.
                options.UnsafeUseInsecureChannelCallCredentials = true;
            }

            return GrpcChannel.ForAddress(address, options);
        });

    public static StatusQueryService.StatusQueryServiceClient Query(string server) => new(Channel(server));

    public static ReportIntakeService.ReportIntakeServiceClient Intake(string server) => new(Channel(server));

    public static AdminService.AdminServiceClient Admin(string server) => new(Channel(server));

    public static NotificationService.NotificationServiceClient Notifications(string server) => new(Channel(server));

    /// <summary>Runs a call and turns gRPC failures into one readable line and exit code 1; then closes the channels.</summary>
    public static async Task<int> Run(string server, Func<Task> action)
    {
        try
        {
            await action();
            return 0;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable)
        {
            Console.Error.WriteLine($"outage: cannot reach the Outage service at {server} ({e.Status.Detail}). Is it running? (dotnet run --project services/Outage.Host)");
            return 1;
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.Unauthenticated or StatusCode.PermissionDenied)
        {
            Console.Error.WriteLine($"outage: {e.StatusCode}: {e.Status.Detail}. Pass a key with --key or OUTAGE_API_KEY (a host with no key configured printed an admin key in its log at first start).");
            return 1;
        }
        catch (RpcException e)
        {
            Console.Error.WriteLine($"outage: {e.StatusCode}: {e.Status.Detail}");
            return 1;
        }
        finally
        {
            foreach (var address in Channels.Keys)
            {
                if (Channels.TryRemove(address, out var channel))
                {
                    channel.Dispose();
                }
            }
        }
    }
}
