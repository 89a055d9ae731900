using System.CommandLine;
using System.Globalization;
using Outage.Detection;
using Outage.Detection.Evaluation;
using Outage.Detection.Replay;
using Spectre.Console;

namespace Outage.Cli.Commands;

/// <summary><c>outage replay INPUT --output OUTPUT</c>: backtests the detector on recorded counts, writing NAB's results format.</summary>
internal static class ReplayCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "A CSV of timestamp,value bucketed counts, or a folder of them (searched recursively)." };
        var output = new Option<string>("--output", "-o") { Description = "Output file (for one input file) or folder.", Required = true };
        var bucket = new Option<double?>("--bucket-minutes") { Description = "Bucket width in minutes (default: inferred from the first rows)." };
        var minReporters = new Option<int?>("--min-reporters") { Description = "Distinct reporters above the usual number needed to leave NORMAL (default 10; in replay each count is one reporter)." };
        var falseAlarms = new Option<double?>("--false-alarms-per-30d") { Description = $"Target false disruptions per series per 30 days that thresholds are calibrated to (default: the detector's, {new DetectorSettings().FalseAlarmsPer30Days.ToString(CultureInfo.InvariantCulture)})." };
        var set = new Option<string[]>("--set") { Description = "Replay with a detector setting changed: Name=value (repeatable), as for evaluate.", AllowMultipleArgumentsPerToken = true };
        var command = new Command("replay", "Replay recorded counts through the detector and write timestamp,value,anomaly_score (1 where a disruption starts) plus the level and figures.")
        {
            input, output, bucket, minReporters, falseAlarms, set,
        };
        command.SetAction(parse =>
        {
            DetectorSettings settings;
            try
            {
                settings = Evaluator.Apply(new DetectorSettings(), (parse.GetValue(set) ?? []).Select(s => s.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : ""));
            }
            catch (ArgumentException e)
            {
                return Fail(e.Message);
            }

            if (parse.GetValue(minReporters) is { } reporters)
            {
                settings = settings with { MinDistinctReporters = reporters };
            }

            if (parse.GetValue(falseAlarms) is { } rate)
            {
                settings = settings with { FalseAlarmsPer30Days = rate };
            }

            var width = parse.GetValue(bucket) is { } minutes ? TimeSpan.FromMinutes(minutes) : (TimeSpan?)null;
            return Run(parse.GetValue(input)!, parse.GetValue(output)!, settings, width);
        });
        return command;
    }

    private static int Run(string input, string output, DetectorSettings settings, TimeSpan? width)
    {
        List<(string Source, string Target)> jobs;
        if (Directory.Exists(input))
        {
            jobs = Directory.EnumerateFiles(input, "*.csv", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
                .Select(f => (f, Path.Combine(output, Path.GetRelativePath(input, f)))).ToList();
            if (jobs.Count == 0)
            {
                return Fail($"no .csv files under {input}");
            }
        }
        else if (File.Exists(input))
        {
            var target = Directory.Exists(output) ? Path.Combine(output, Path.GetFileName(input)) : output;
            jobs = [(input, target)];
        }
        else
        {
            return Fail($"{input}: no such file or folder");
        }

        // Read and check every input before writing anything, so a bad file leaves no partial output behind.
        var series = new List<IReadOnlyList<CountRow>>();
        try
        {
            foreach (var (source, _) in jobs)
            {
                series.Add(CountCsv.Read(source));
            }
        }
        catch (CountCsvException e)
        {
            return Fail(e.Message);
        }

        var summaries = new List<(string File, int Rows, int Disruptions, TimeSpan Width)>();
        var written = new List<string>();
        try
        {
            AnsiConsole.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .Start(context =>
                {
                    for (var j = 0; j < jobs.Count; j++)
                    {
                        var rows = series[j];
                        var task = context.AddTask(Markup.Escape(Path.GetFileName(jobs[j].Source)), maxValue: Math.Max(1, rows.Count));
                        var w = width ?? (rows.Count > 1 ? ReplayEngine.InferBucketWidth(rows) : settings.BucketWidth);
                        var disruptions = Write(jobs[j].Target, ReplayEngine.Run(rows, settings, w, done => task.Value = done));
                        written.Add(jobs[j].Target);
                        task.Value = task.MaxValue;
                        summaries.Add((jobs[j].Target, rows.Count, disruptions, w));
                    }
                });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            written.ForEach(File.Delete);
            return Fail(e.Message);
        }

        var table = new Table().AddColumns("output", "rows", "bucket", "disruptions");
        foreach (var s in summaries)
        {
            table.AddRow(Markup.Escape(s.File), s.Rows.ToString("N0", CultureInfo.InvariantCulture), $"{s.Width.TotalMinutes:0.##} min", s.Disruptions.ToString(CultureInfo.InvariantCulture));
        }

        AnsiConsole.Write(table);
        return 0;
    }

    /// <summary>Writes one results file through a temporary file, so a failure never leaves half a file.</summary>
    private static int Write(string target, IEnumerable<ReplayRow> rows)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(target))!);
        var temporary = target + ".tmp";
        var disruptions = 0;
        try
        {
            using (var writer = new StreamWriter(temporary))
            {
                writer.WriteLine("timestamp,value,anomaly_score,level,expected,ratio,evidence,threshold");
                foreach (var r in rows)
                {
                    disruptions += r.DisruptionStart ? 1 : 0;
                    var e = r.Assessment.Explanation;
                    writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{r.Row.RawTimestamp},{r.Row.Value},{(r.DisruptionStart ? 1 : 0)},{r.Assessment.Level.ToString().ToUpperInvariant()},{r.Assessment.ExpectedInBucket:0.###},{e.Ratio:0.###},{e.Evidence:0.##},{e.Threshold:0.##}"));
                }
            }

            File.Move(temporary, target, overwrite: true);
            return disruptions;
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"outage replay: {message}");
        return 2;
    }
}
