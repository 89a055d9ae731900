using System.Globalization;
using System.Text;
using Outage.Contracts.V1;

namespace Outage.Cli.Commands;

/// <summary>A terminal chart of reports (bars) against the usual level (a line), one column per bucket.</summary>
internal static class Chart
{
    private const int Rows = 10;

    public static string Render(IReadOnlyList<TimelineBucket> buckets, int maxColumns)
    {
        if (buckets.Count == 0)
        {
            return "(no data)\n";
        }

        // Merge neighbouring buckets when there are more than fit on a line.
        var per = (int)Math.Ceiling(buckets.Count / (double)maxColumns);
        var columns = buckets.Chunk(per).Select(c => (Reports: (double)c.Sum(b => b.Reports), Expected: c.Sum(b => b.Expected), Start: c[0].StartTime.ToDateTimeOffset())).ToList();
        var top = Math.Max(1, columns.Max(c => Math.Max(c.Reports, c.Expected)));
        var text = new StringBuilder();
        for (var row = Rows; row >= 1; row--)
        {
            var low = top * (row - 1) / Rows;
            var high = top * row / Rows;
            text.Append(CultureInfo.InvariantCulture, $"{high,9:N0} │");
            foreach (var c in columns)
            {
                var bar = c.Reports > low;
                var line = c.Expected > low && c.Expected <= high;
                text.Append(bar ? "[red]█[/]" : line ? "[blue]─[/]" : " ");
            }

            text.Append('\n');
        }

        text.Append(new string(' ', 10)).Append('└').Append(new string('─', columns.Count)).Append('\n');
        var axis = new StringBuilder(new string(' ', 11 + columns.Count));
        for (var i = 0; i < columns.Count; i += 20)
        {
            var label = columns[i].Start.ToString("HH:mm", CultureInfo.InvariantCulture);
            for (var k = 0; k < label.Length && 11 + i + k < axis.Length; k++)
            {
                axis[11 + i + k] = label[k];
            }
        }

        return text.Append(axis.ToString().TrimEnd()).Append(" UTC\n").ToString();
    }
}
