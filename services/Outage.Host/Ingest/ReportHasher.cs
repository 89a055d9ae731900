using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Outage.Host.Ingest;

/// <summary>Turns report ids and device ids into 64-bit keys; device ids through a keyed hash, so they are never stored in clear.</summary>
public sealed class ReportHasher(IOptions<IntakeOptions> options)
{
    private readonly byte[] _deviceKey = Encoding.UTF8.GetBytes(options.Value.DeviceHashKey);

    /// <summary>The key of a report id (SHA-256, first 8 bytes).</summary>
    public ulong ReportId(string reportId) => First8(SHA256.HashData(Encoding.UTF8.GetBytes(reportId)));

    /// <summary>The keyed hash of a device id (HMAC-SHA-256, first 8 bytes).</summary>
    public ulong Device(string deviceId) => First8(HMACSHA256.HashData(_deviceKey, Encoding.UTF8.GetBytes(deviceId)));

    private static ulong First8(ReadOnlySpan<byte> hash) => BinaryPrimitives.ReadUInt64LittleEndian(hash);
}
