using System.CommandLine;
using Outage.Bench;

// The load generator of the benchmarks: `ingest` drives ReportIntakeService (unary, batch or client
// streaming; many connections; closed loop or fixed rate; fixed duration; a progress line every second),
// `detect` measures end-to-end detection latency
// (injected surge -> a WatchStatus subscriber sees DISRUPTED), `status` times GetStatus from a process of its own.
var server = new Option<string>("--server") { DefaultValueFactory = _ => "http://127.0.0.1:5080", Description = "gRPC address.", Recursive = true };
var json = new Option<string?>("--json") { Description = "Append the result as one JSON line to this file.", Recursive = true };
var name = new Option<string>("--name") { DefaultValueFactory = _ => "load", Description = "Name of the measurement in the output.", Recursive = true };

var shape = new Option<string>("--shape") { DefaultValueFactory = _ => "batch", Description = "unary (SubmitReport), batch (SubmitReports) or stream (StreamReports)." };
shape.AcceptOnlyFromAmong("unary", "batch", "stream");
var connections = new Option<int>("--connections") { DefaultValueFactory = _ => 8, Description = "HTTP/2 connections." };
var concurrency = new Option<int>("--concurrency") { DefaultValueFactory = _ => 1, Description = "Calls in flight per connection." };
var batch = new Option<int>("--batch") { DefaultValueFactory = _ => 100, Description = "Reports per call (batch) or per stream (stream)." };
var seconds = new Option<double>("--seconds") { DefaultValueFactory = _ => 20, Description = "Duration of the measurement." };
var warmup = new Option<double>("--warmup") { DefaultValueFactory = _ => 0, Description = "Seconds of the same load before the measurement, in this process and not counted." };
var rate = new Option<double>("--rate") { DefaultValueFactory = _ => 0, Description = "Reports per second in all (0: closed loop, as fast as answers come)." };
var series = new Option<int>("--series") { DefaultValueFactory = _ => 50, Description = "Distinct (service, region) series the reports spread over." };
var total = new Option<long>("--reports") { DefaultValueFactory = _ => 0, Description = "Stop after this many reports (0: run for --seconds)." };
var mode = new Option<string>("--mode") { DefaultValueFactory = _ => "", Description = "Label of the server's mode in the JSON (embedded, redis, reference)." };
var ingest = new Command("ingest", "Drive report intake and measure reports/s and call latency.")
{
    shape, connections, concurrency, batch, seconds, warmup, rate, series, total, mode,
};
ingest.SetAction((parse, ct) => IngestRun.RunAsync(new IngestSettings(
    parse.GetValue(server)!, parse.GetValue(shape)!, parse.GetValue(connections), parse.GetValue(concurrency), parse.GetValue(batch),
    TimeSpan.FromSeconds(parse.GetValue(seconds)), parse.GetValue(rate), parse.GetValue(series), parse.GetValue(total),
    parse.GetValue(name)!, parse.GetValue(mode)!, parse.GetValue(json), TimeSpan.FromSeconds(parse.GetValue(warmup))), ct));

var surges = new Option<int>("--surges") { DefaultValueFactory = _ => 20, Description = "Series to surge, one after another." };
var surgeRate = new Option<int>("--surge-rate") { DefaultValueFactory = _ => 2000, Description = "Reports per second of each surge (distinct devices)." };
var notifyKey = new Option<string?>("--notify-key")
{
    Description = "Also time the webhook: a key with notifications:write (or admin) subscribes a local receiver to each surged series, "
        + "and each surge is timed from the level change the Watch subscriber saw to the webhook received.",
};
var detect = new Command("detect", "Surge series one after another and time each until a WatchStatus subscriber sees it DISRUPTED (and, with --notify-key, until a webhook says so).")
{
    surges, surgeRate, notifyKey,
};
detect.SetAction((parse, ct) => DetectionRun.RunAsync(parse.GetValue(server)!, parse.GetValue(surges), parse.GetValue(surgeRate), parse.GetValue(name)!, parse.GetValue(json),
    parse.GetValue(notifyKey), ct));

var statusSeconds = new Option<double>("--seconds") { DefaultValueFactory = _ => 20, Description = "Duration of the measurement." };
var statusSeries = new Option<int>("--series") { DefaultValueFactory = _ => 1000, Description = "Distinct (service, region) series asked for, in turn." };
var statusMode = new Option<string>("--mode") { DefaultValueFactory = _ => "", Description = "Label of the server's mode in the JSON (embedded, redis, reference)." };
var status = new Command("status", "GetStatus back to back from this process alone (run it beside an `ingest` flood in another process) and report its latency.")
{
    statusSeconds, statusSeries, statusMode,
};
status.SetAction((parse, ct) => StatusRun.RunAsync(parse.GetValue(server)!, TimeSpan.FromSeconds(parse.GetValue(statusSeconds)), parse.GetValue(statusSeries),
    parse.GetValue(name)!, parse.GetValue(statusMode)!, parse.GetValue(json), ct));

var root = new RootCommand("Outage load generator.") { server, json, name, ingest, detect, status };
return await root.Parse(args).InvokeAsync();
