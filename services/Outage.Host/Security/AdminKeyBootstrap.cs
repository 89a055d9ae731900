using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Outage.Host.Hosting;
using StackExchange.Redis;

namespace Outage.Host.Security;

/// <summary>
/// Makes sure state-changing calls are never open: when no key is configured, the first start creates an admin key,
/// keeps only its hash (a file in embedded mode, Redis in production, so every silo and edge agrees, the first to
/// start winning), and prints the key once in the log. Later starts take up the stored hash and print nothing.
/// </summary>
/// <remarks>
/// Runs before the server accepts calls (hosted services start before Kestrel): until then no admin call can be made.
/// The same idea as the first-start admin password of well-known servers.
/// </remarks>
internal sealed partial class AdminKeyBootstrap(
    ApiKeyStore keys, IOptions<AuthOptions> options, IConfiguration configuration, IHostEnvironment environment, ILogger<AdminKeyBootstrap> logger)
    : IHostedService
{
    /// <summary>The key's prefix, so that a key found in a log or a file says what it is.</summary>
    public const string KeyPrefix = "outage_admin_";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (keys.Enabled)
        {
            return; // configured keys decide; the first-start key, if one was made, is not used
        }

        var key = KeyPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var candidate = ApiKeyStore.Hash(key);
        var (stored, where) = configuration.GetConnectionString("Redis") is { } redis
            ? (await StoreInRedisAsync(redis, candidate), "Redis")
            : (StoreInFile(candidate, out var path), path);
        keys.UseFirstStartAdminKey(stored);
        if (stored == candidate)
        {
            LogCreated(logger, key, where);
        }
        else
        {
            LogTakenUp(logger, where);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Creates the file holding <paramref name="candidate"/> unless it exists; returns the hash it holds.</summary>
    private string StoreInFile(string candidate, out string path)
    {
        path = Path.GetFullPath(options.Value.AdminKeyFile is { Length: > 0 } file ? file : "outage-admin-key.sha256", environment.ContentRootPath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        try
        {
            // CreateNew: of two processes sharing the file, one creates it and the other reads it.
            var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite; // only a hash, still nobody else's business
            }

            using var stream = new FileStream(path, create);
            using var writer = new StreamWriter(stream);
            writer.WriteLine(candidate);
            return candidate;
        }
        catch (IOException) when (File.Exists(path))
        {
            return Checked(File.ReadAllText(path).Trim(), path);
        }
    }

    /// <summary>Sets the Redis key to <paramref name="candidate"/> unless it is set; returns the hash it holds.</summary>
    private async Task<string> StoreInRedisAsync(string connectionString, string candidate)
    {
        var serviceId = OrleansHostingOptions.From(configuration).ServiceId;
        var name = $"outage:{serviceId}:admin-key-sha256";
        var redisOptions = ConfigurationOptions.Parse(connectionString);
        redisOptions.AbortOnConnectFail = false;
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redisOptions);
        var database = connection.GetDatabase();
        await database.StringSetAsync(name, candidate, when: When.NotExists);
        return Checked((string?)await database.StringGetAsync(name) ?? "", $"Redis key {name}");
    }

    private static string Checked(string hash, string where) =>
        hash.Length == 64 && hash.All(char.IsAsciiHexDigit)
            ? hash.ToLowerInvariant()
            : throw new InvalidOperationException($"{where} does not hold a SHA-256 hash of the admin key: delete it and restart to create a new key.");

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [LoggerMessage(Level = LogLevel.Warning, Message =
        "No API key is configured, so an admin key was created for state-changing calls (AdminService). It is shown this once; only its hash is kept, in {Where}:\n\n    {Key}\n\n" +
        "Use it as 'authorization: Bearer KEY', or OUTAGE_API_KEY=KEY for the outage CLI. Reads and reports stay open. To rotate, delete the hash and restart; to retire it, configure keys (Outage:Auth:Keys).")]
    private static partial void LogCreated(ILogger logger, string key, string where);

    [LoggerMessage(Level = LogLevel.Information, Message = "No API key is configured: state-changing calls take the admin key created at first start (its hash is in {Where}).")]
    private static partial void LogTakenUp(ILogger logger, string where);
}
