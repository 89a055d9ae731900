using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Outage.Host.Security;

/// <summary>
/// The keys by hash: those configured (configuration and the optional keys file) and, when none is, the first-start admin
/// key (see <see cref="AdminKeyBootstrap"/>).
/// </summary>
public sealed class ApiKeyStore
{
    private readonly Dictionary<string, ApiKeyOptions> _byHash;
    private volatile ApiKeyOptions? _firstStartAdmin;

    public ApiKeyStore(IOptions<AuthOptions> options)
    {
        var keys = new List<ApiKeyOptions>(options.Value.Keys);
        if (options.Value.KeysFile is { Length: > 0 } file)
        {
            keys.AddRange(JsonSerializer.Deserialize<List<ApiKeyOptions>>(File.ReadAllText(file), new JsonSerializerOptions { PropertyNameCaseInsensitive = true }) ?? []);
        }

        foreach (var key in keys)
        {
            if (key.Hash.Length != 64 || !key.Hash.All(Uri.IsHexDigit) || key.Name.Length == 0)
            {
                throw new InvalidOperationException($"{AuthOptions.Section}: key '{key.Name}' needs a name and a hex SHA-256 hash of 64 characters.");
            }

            if (key.Scopes.FirstOrDefault(s => s is not (Scopes.ReportsWrite or Scopes.StatusRead or Scopes.NotificationsWrite or Scopes.Admin)) is { } unknown)
            {
                throw new InvalidOperationException($"{AuthOptions.Section}: key '{key.Name}' has an unknown scope '{unknown}'.");
            }
        }

        _byHash = keys.ToDictionary(k => k.Hash.ToLowerInvariant(), StringComparer.Ordinal);
    }

    /// <summary>
    /// True once at least one key is configured: every call is then authenticated and limited. With none, reads and
    /// report intake are open and unlimited; state-changing calls still need a key (the first-start admin key).
    /// </summary>
    public bool Enabled => _byHash.Count > 0;

    /// <summary>The key whose hash matches <paramref name="presented"/>, if any.</summary>
    public ApiKeyOptions? Find(string presented)
    {
        var hash = Hash(presented);
        return _byHash.GetValueOrDefault(hash) ?? (_firstStartAdmin is { } admin && admin.Hash == hash ? admin : null);
    }

    /// <summary>Takes up the first-start admin key (by its hash), used only while no key is configured.</summary>
    public void UseFirstStartAdminKey(string hash) => _firstStartAdmin = new ApiKeyOptions
    {
        Name = "first-start-admin", Hash = hash, Scopes = [Scopes.Admin, Scopes.StatusRead, Scopes.ReportsWrite],
    };

    /// <summary>Lower-case hex SHA-256 of a key, as keys are stored.</summary>
    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
