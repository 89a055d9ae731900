using Outage.Detection.Replay;

namespace Outage.Detection.Tests;

public class ReplayTests
{
    private static IReadOnlyList<CountRow> Parse(string text) => CountCsv.Read(new StringReader(text), "input.csv");

    [Theory]
    [InlineData("timestamp,value\n2015-02-26 21:42:53,53\nnot-a-date,3\n", 3, "bad timestamp")]
    [InlineData("timestamp,value\n2015-02-26 21:42:53,-4\n", 2, "not a whole non-negative count")]
    [InlineData("timestamp,value\n2015-02-26 21:42:53,abc\n", 2, "not a number")]
    [InlineData("timestamp,value\n2015-02-26 21:47:53,1\n2015-02-26 21:42:53,1\n", 3, "before the previous row")]
    [InlineData("timestamp,value\n2015-02-26 21:42:53,1\n2015-02-26 21:42:53,1\n", 3, "duplicate timestamp")]
    [InlineData("time,count\n", 1, "header")]
    [InlineData("timestamp,value\n2015-02-26 21:42:53,1,2\n", 2, "two fields")]
    public void MalformedInputNamesTheFileAndLine(string text, int line, string message)
    {
        var error = Assert.Throws<CountCsvException>(() => Parse(text));

        Assert.Equal(line, error.Line);
        Assert.StartsWith($"input.csv:{line}:", error.Message);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void ReadsNabLayout()
    {
        var rows = Parse("timestamp,value\n2015-02-26 21:42:53,53\n2015-02-26 21:47:53,64.0\n");

        Assert.Equal(2, rows.Count);
        Assert.Equal(64, rows[1].Value);
        Assert.Equal(TimeSpan.FromMinutes(5), ReplayEngine.InferBucketWidth(rows));
    }

    [Fact]
    public void ReplayMarksOnlyTheRowWhereADisruptionStarts()
    {
        var start = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var rows = Enumerable.Range(0, 4 * 288)
            .Select(i => start.AddMinutes(5 * i))
            .Select((t, i) => new CountRow(t, t.ToString("u"), i is >= 900 and < 930 ? 400 : 20 + i % 7))
            .ToList();

        var replayed = ReplayEngine.Run(rows, new DetectorSettings()).ToList();

        Assert.Equal(rows.Count, replayed.Count);
        var marks = replayed.Select((r, i) => (r, i)).Where(x => x.r.DisruptionStart).Select(x => x.i).ToList();
        Assert.True(marks.SequenceEqual([900]), string.Join(",", marks));
    }
}
