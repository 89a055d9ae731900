using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Outage.Grains.OfficialStatus;

/// <summary>An official status source could not be read; the message says why, for operators.</summary>
public sealed class OfficialSourceException(string message, Exception? inner = null) : Exception(message, inner);
