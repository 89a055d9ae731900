using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Outage.Grains.OfficialStatus;

/// <summary>A document read, or word that it has not changed.</summary>
/// <param name="IsNotModified">True when the source answered 304 to the ETag sent.</param>
/// <param name="Body">The document's bytes (empty when not modified).</param>
/// <param name="ETag">Its ETag, to send next time.</param>
public sealed record FetchResult(bool IsNotModified, byte[] Body, string? ETag)
{
    /// <summary>The source answered 304 Not Modified.</summary>
    public static FetchResult NotModified { get; } = new(true, [], null);
}
