namespace Outage.Detection;

/// <summary>The newest buckets of a series (counts, expectations, distinct reporters), newest first by age.</summary>
/// <remarks>
/// Buckets from before the last recovery are kept for the sums (as "exactly usual") but are not usable evidence:
/// a new incident must be evidenced by buckets after the previous one ended.
/// </remarks>
internal sealed class BucketRing
{
    // One array, three floats a bucket (observed, expected, reporters): one object header instead of three.
    private readonly float[] _buckets;
    private readonly int _length;
    private int _head = -1;
    private int _usable;

    public BucketRing(int length)
    {
        _length = length;
        _buckets = new float[3 * length];
    }

    /// <summary>Buckets the ring holds.</summary>
    public int Length => _length;

    /// <summary>Buckets, newest first, that may be used as evidence (not before the last recovery).</summary>
    public int Usable => _usable;

    /// <summary>Approximate heap bytes.</summary>
    public int Bytes => 24 + 4 * _buckets.Length + 32;

    /// <summary>Adds the newest bucket.</summary>
    public void Push(double observed, double expected, double reporters)
    {
        _head = (_head + 1) % _length;
        _buckets[3 * _head] = (float)observed;
        _buckets[3 * _head + 1] = (float)expected;
        _buckets[3 * _head + 2] = (float)reporters;
        _usable = Math.Min(_usable + 1, _length);
    }

    /// <summary>Keeps at most <paramref name="buckets"/> of the newest buckets usable.</summary>
    public void LimitUsable(int buckets) => _usable = Math.Min(_usable, buckets);

    /// <summary>The bucket <paramref name="age"/> steps back (1 is the newest).</summary>
    public (float Observed, float Expected, float Reporters) this[int age]
    {
        get
        {
            var i = 3 * ((_head - age + 1 + 2 * _length) % _length);
            return (_buckets[i], _buckets[i + 1], _buckets[i + 2]);
        }
    }

    public void Write(BinaryWriter writer)
    {
        foreach (var value in _buckets)
        {
            writer.Write(value);
        }

        writer.Write(_head);
        writer.Write(_usable);
    }

    public void Read(BinaryReader reader)
    {
        ReadBuckets(reader);
        _head = reader.ReadInt32();
        _usable = reader.ReadInt32();
    }

    /// <summary>Reads the buckets alone (version 1 kept the head and usable count apart from them).</summary>
    public void ReadBuckets(BinaryReader reader)
    {
        for (var i = 0; i < _buckets.Length; i++)
        {
            _buckets[i] = reader.ReadSingle();
        }
    }

    /// <summary>Sets the head and usable count read from a version-1 state.</summary>
    public void SetPosition(int head, int usable) => (_head, _usable) = (head, usable);
}
