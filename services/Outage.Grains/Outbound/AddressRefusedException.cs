namespace Outage.Grains.Outbound;

/// <summary>A connection refused by the SSRF rule: the host resolves to no address that may be reached.</summary>
/// <param name="message">Which host, and why.</param>
public sealed class AddressRefusedException(string message) : IOException(message);
