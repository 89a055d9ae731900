using System.Net;
using System.Net.Http;
using System.Net.Sockets;

namespace Outage.Grains.Outbound;

/// <summary>
/// The SSRF rule for every request the silos make on a user's behalf (official status sources, notification targets):
/// connect only to public addresses, or to networks explicitly allowed. The check is made on the addresses the host name
/// resolves to, at connect time, and the connection goes to an address that passed it: no second lookup that could answer
/// differently (DNS rebinding).
/// </summary>
/// <param name="allowPrivate">Allow every address (a private deployment or a test).</param>
/// <param name="allowedNetworks">Non-public networks allowed anyway.</param>
public sealed class PublicAddressConnector(bool allowPrivate, IReadOnlyList<IPNetwork> allowedNetworks)
{
    /// <summary>A connector for the given CIDR networks (e.g. <c>127.0.0.0/8</c>).</summary>
    /// <exception cref="FormatException">A network is not CIDR notation.</exception>
    public static PublicAddressConnector ForNetworks(IEnumerable<string> networks) =>
        new(false, networks.Select(n => IPNetwork.Parse(n.Trim())).ToArray());

    /// <summary>True when a connection to <paramref name="address"/> is allowed.</summary>
    public bool Allows(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return allowPrivate || IsPublic(address) || allowedNetworks.Any(n => n.Contains(address));
    }

    /// <summary>The host's addresses that <see cref="Allows"/>; empty when none is.</summary>
    public async Task<IPAddress[]> AllowedAddressesAsync(string host, CancellationToken cancellationToken)
    {
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        return addresses.Where(Allows).ToArray();
    }

    /// <summary>A <see cref="SocketsHttpHandler.ConnectCallback"/> that connects to an allowed address or fails with <see cref="AddressRefusedException"/> (which HttpClient reports inside an <see cref="HttpRequestException"/>).</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var allowed = await AllowedAddressesAsync(context.DnsEndPoint.Host, cancellationToken);
        if (allowed.Length == 0)
        {
            throw new AddressRefusedException($"{context.DnsEndPoint.Host} resolves to no public address (loopback, private, link-local and metadata addresses are refused)");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>False for loopback, private (RFC 1918, unique local), link-local (the cloud metadata address among them), carrier-grade NAT, multicast and unspecified addresses.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            return false;
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal || address.IsIPv6Multicast);
        }

        var b = address.GetAddressBytes();
        return !(b[0] == 10 || (b[0] == 172 && b[1] >= 16 && b[1] <= 31) || (b[0] == 192 && b[1] == 168)
            || (b[0] == 169 && b[1] == 254) || (b[0] == 100 && b[1] >= 64 && b[1] <= 127) || b[0] == 0 || b[0] >= 224);
    }
}
