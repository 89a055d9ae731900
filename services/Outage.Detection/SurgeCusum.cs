namespace Outage.Detection;

/// <summary>
/// The slow surge test: a negative-binomial CUSUM for a sustained rise to <see cref="DetectorSettings.CusumShift"/>
/// times the usual volume, which accumulates evidence over hours where no single scan window holds enough.
/// </summary>
/// <remarks>
/// <para>Page's CUSUM: S ← max(0, S + llr(x)), with llr the log-likelihood ratio of the bucket under the shifted mean
/// against the usual one. S is in nats like the scan windows' evidence, so both are judged against the same calibrated
/// threshold. Under the usual volume S drifts to zero; at the shifted volume it grows by about the Kullback–Leibler
/// divergence per bucket, so a 4x rise over six hours is found within the first hour of it.</para>
/// <para>The run (since S last left zero) keeps its sums, so a trigger can say since when and how much above usual.</para>
/// </remarks>
internal sealed class SurgeCusum
{
    /// <summary>The statistic, in nats.</summary>
    public double Statistic { get; private set; }

    /// <summary>Buckets since the statistic last left zero.</summary>
    public int RunBuckets { get; private set; }

    /// <summary>Reports counted over the run.</summary>
    public double RunObserved { get; private set; }

    /// <summary>Reports usual over the run.</summary>
    public double RunExpected { get; private set; }

    /// <summary>Distinct reporters over the run (each device once per dedupe window).</summary>
    public double RunReporters { get; private set; }

    /// <summary>Approximate heap bytes.</summary>
    public const int Bytes = 56;

    /// <summary>Adds one bucket.</summary>
    public void Add(double observed, double expected, double reporters, double dispersion, double shift)
    {
        var next = Statistic + NegativeBinomial.ShiftLogLikelihoodRatio(observed, expected, dispersion, shift);
        if (next <= 0)
        {
            Reset();
            return;
        }

        Statistic = next;
        RunBuckets++;
        RunObserved += observed;
        RunExpected += expected;
        RunReporters += reporters;
    }

    /// <summary>Starts afresh (after an incident: the next one needs evidence of its own).</summary>
    public void Reset() => (Statistic, RunBuckets, RunObserved, RunExpected, RunReporters) = (0, 0, 0, 0, 0);

    public void Write(BinaryWriter writer)
    {
        writer.Write(Statistic);
        writer.Write(RunBuckets);
        writer.Write(RunObserved);
        writer.Write(RunExpected);
        writer.Write(RunReporters);
    }

    public void Read(BinaryReader reader)
    {
        Statistic = reader.ReadDouble();
        RunBuckets = reader.ReadInt32();
        RunObserved = reader.ReadDouble();
        RunExpected = reader.ReadDouble();
        RunReporters = reader.ReadDouble();
    }
}
