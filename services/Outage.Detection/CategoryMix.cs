namespace Outage.Detection;

/// <summary>The problem categories of a series' recent reports, decayed over the explanation window, at most eight kept.</summary>
/// <remarks>Fixed arrays and no LINQ: it runs on every bucket of every series.</remarks>
internal sealed class CategoryMix
{
    private const int MaxCategories = 8;
    private const double ForgetBelow = 0.01;
    private readonly string?[] _names = new string?[MaxCategories];
    private readonly double[] _weights = new double[MaxCategories];
    private readonly double _decay;
    private int _count;
    private IReadOnlyList<CategoryShare> _top = [];
    private int _topCount;
    private bool _changed;

    /// <param name="windowBuckets">Buckets of the explanation window: the time constant of the decay.</param>
    public CategoryMix(int windowBuckets) => _decay = Math.Exp(-1.0 / windowBuckets);

    /// <summary>Approximate heap bytes (names are the catalog's shared strings).</summary>
    public int Bytes => 80 + 16 * MaxCategories;

    /// <summary>Decays the mix by one bucket and adds the bucket's categories.</summary>
    public void Add(IReadOnlyDictionary<string, int>? categories)
    {
        for (var i = _count - 1; i >= 0; i--)
        {
            _weights[i] *= _decay;
            if (_weights[i] < ForgetBelow)
            {
                RemoveAt(i);
            }
        }

        if (categories is null)
        {
            return;
        }

        foreach (var (category, reports) in categories)
        {
            if (reports > 0)
            {
                Add(category, reports);
            }
        }
    }

    private void Add(string category, double reports)
    {
        _changed = true;
        var index = Array.IndexOf(_names, category, 0, _count);
        if (index < 0)
        {
            if (_count == MaxCategories)
            {
                var smallest = 0;
                for (var i = 1; i < _count; i++)
                {
                    smallest = _weights[i] < _weights[smallest] ? i : smallest;
                }

                if (_weights[smallest] >= reports)
                {
                    return;
                }

                RemoveAt(smallest);
            }

            index = _count++;
            (_names[index], _weights[index]) = (category, 0);
        }

        _weights[index] += reports;
    }

    private void RemoveAt(int index)
    {
        _changed = true;
        _count--;
        (_names[index], _weights[index]) = (_names[_count], _weights[_count]);
        (_names[_count], _weights[_count]) = (null, 0);
    }

    /// <summary>The <paramref name="top"/> most reported categories with their shares, most reported first (ties by name).</summary>
    /// <remarks>Decay scales every weight alike, so the shares change only when categories are added or forgotten: cached until then.</remarks>
    public IReadOnlyList<CategoryShare> Top(int top)
    {
        if (!_changed && top == _topCount)
        {
            return _top;
        }

        (_top, _topCount, _changed) = (Compute(top), top, false);
        return _top;
    }

    private IReadOnlyList<CategoryShare> Compute(int top)
    {
        double total = 0;
        for (var i = 0; i < _count; i++)
        {
            total += _weights[i];
        }

        if (total <= 0)
        {
            return [];
        }

        var order = new int[_count];
        for (var i = 0; i < _count; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (a, b) => _weights[b] != _weights[a] ? _weights[b].CompareTo(_weights[a]) : string.CompareOrdinal(_names[a], _names[b]));
        var result = new CategoryShare[Math.Min(top, _count)];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = new CategoryShare(_names[order[i]]!, _weights[order[i]] / total);
        }

        return result;
    }

    public void Write(BinaryWriter writer)
    {
        writer.Write((byte)_count);
        for (var i = 0; i < _count; i++)
        {
            writer.Write(_names[i]!);
            writer.Write(_weights[i]);
        }
    }

    public void Read(BinaryReader reader)
    {
        int count = reader.ReadByte();
        for (var i = 0; i < count; i++)
        {
            Add(reader.ReadString(), reader.ReadDouble());
        }
    }
}
