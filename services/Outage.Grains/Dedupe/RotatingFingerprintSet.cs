using Outage.Grains.Abstractions;

namespace Outage.Grains.Dedupe;

/// <summary>
/// Remembers keys for a sliding window in bounded memory: a few <see cref="FingerprintTable"/>
/// generations, the newest taking new keys; at each rotation the oldest is dropped. With
/// <c>n</c> generations rotated every <c>window / (n - 1)</c>, a key is remembered for at least
/// <c>window</c> and at most <c>window * n / (n - 1)</c>.
/// </summary>
/// <remarks>
/// Memory is bounded twice: by time (keys older than the window are dropped whole, a generation at a
/// time) and by size (a generation takes at most a set number of keys; past it, keys are not
/// remembered, and the caller counts rather than drops: under a flood a few repeats may be counted, but no
/// new report is lost).
/// </remarks>
[GenerateSerializer, Alias("outage.RotatingFingerprintSet")]
public sealed class RotatingFingerprintSet
{
    /// <summary>The generations, newest first.</summary>
    [Id(0)] private FingerprintTable[] _generations;

    /// <summary>When the newest generation began.</summary>
    [Id(1)] private DateTimeOffset _newestSince;

    /// <summary>An empty set of <paramref name="generations"/> generations (at least 2), the newest beginning at <paramref name="now"/> (or, if default, at the first rotation).</summary>
    public RotatingFingerprintSet(int generations, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(generations, 2);
        _generations = Enumerable.Range(0, generations).Select(_ => new FingerprintTable()).ToArray();
        _newestSince = now;
    }

    /// <summary>Keys held over every generation.</summary>
    public int Count => _generations.Sum(g => g.Count);

    /// <summary>Bytes of the tables.</summary>
    public long Bytes => _generations.Sum(g => g.Bytes);

    /// <summary>True if the key is remembered.</summary>
    public bool Contains(ulong key)
    {
        foreach (var generation in _generations)
        {
            if (generation.Contains(key))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Remembers a key in the newest generation; false when that generation is full and the key is not remembered.</summary>
    public bool Add(ulong key, int capacityPerGeneration) => _generations[0].Add(key, capacityPerGeneration);

    /// <summary>Starts a new generation (dropping the oldest) for each full <c>window / (n - 1)</c> since the newest began.</summary>
    public void Rotate(DateTimeOffset now, TimeSpan window)
    {
        if (_newestSince == default)
        {
            _newestSince = now; // created without a start: the first rotation starts the clock
            return;
        }

        var length = window / (_generations.Length - 1);
        var due = (int)Math.Min(_generations.Length, (now - _newestSince) / length);
        if (due <= 0)
        {
            return;
        }

        Array.Copy(_generations, 0, _generations, due, _generations.Length - due);
        for (var i = 0; i < due; i++)
        {
            _generations[i] = new FingerprintTable();
        }

        // After an idle spell longer than every generation, start afresh at now.
        _newestSince = due == _generations.Length ? now : _newestSince + (length * due);
    }
}
