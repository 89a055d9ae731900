namespace Outage.Host.Security;

/// <summary>One API key.</summary>
public sealed class ApiKeyOptions
{
    /// <summary>Who holds it (the partition of its quota, and what logs name).</summary>
    public string Name { get; set; } = "";

    /// <summary>Lower-case hex SHA-256 of the key: <c>printf %s "$KEY" | sha256sum</c>.</summary>
    public string Hash { get; set; } = "";

    /// <summary>What it may do: <c>reports:write</c>, <c>status:read</c>, <c>notifications:write</c>, <c>admin</c>.</summary>
    public List<string> Scopes { get; set; } = [];

    /// <summary>Calls per second allowed to this key (token bucket of twice this).</summary>
    public double CallsPerSecond { get; set; } = 200;
}
