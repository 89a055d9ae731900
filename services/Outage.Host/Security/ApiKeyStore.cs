using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Outage.Host.Security;

/// <summary>The configured keys by hash, from configuration and the optional keys file.</summary>
public sealed class ApiKeyStore
{
    private readonly Dictionary<string, ApiKeyOptions> _byHash;

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

            if (key.Scopes.FirstOrDefault(s => s is not (Scopes.ReportsWrite or Scopes.StatusRead or Scopes.Admin)) is { } unknown)
            {
                throw new InvalidOperationException($"{AuthOptions.Section}: key '{key.Name}' has an unknown scope '{unknown}'.");
            }
        }

        _byHash = keys.ToDictionary(k => k.Hash.ToLowerInvariant(), StringComparer.Ordinal);
    }

    /// <summary>True once at least one key is configured: calls are then authenticated and limited.</summary>
    public bool Enabled => _byHash.Count > 0;

    /// <summary>The key whose hash matches <paramref name="presented"/>, if any.</summary>
    public ApiKeyOptions? Find(string presented) =>
        _byHash.GetValueOrDefault(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(presented))));
}
