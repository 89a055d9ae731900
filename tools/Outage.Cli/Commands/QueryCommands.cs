using System.CommandLine;
using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Outage.Contracts.V1;
using Spectre.Console;

namespace Outage.Cli.Commands;

/// <summary>Commands that ask a running service: report, status, disruptions, timeline, incidents, incident, watch, statement.</summary>
internal static class QueryCommands
{
    public static IEnumerable<Command> Create() => [Report(), Status(), Disruptions(), Timeline(), Incidents(), Incident(), Watch(), Statement()];

    private static Argument<string> ServiceArgument() => new("service") { Description = "Service id, such as facebook (see 'outage status --list')." };

    private static Argument<string> RegionArgument() => new("region")
    {
        Description = "ISO 3166-1 alpha-2 country (US) or ISO 3166-2 subdivision (US-CA); omit for worldwide.",
        Arity = ArgumentArity.ZeroOrOne,
        DefaultValueFactory = _ => "",
    };

    private static Command Report()
    {
        var server = ServiceClient.ServerOption();
        var service = ServiceArgument();
        var region = new Argument<string>("region") { Description = "Where the reporter is: US, US-CA, DE..." };
        var category = new Option<string>("--category", "-c") { Description = "Problem category (default: the service's first).", DefaultValueFactory = _ => "" };
        var device = new Option<string>("--device") { Description = "Device id (default: a new random one).", DefaultValueFactory = _ => "" };
        var command = new Command("report", "Submit one report that a service is not working, and show what others see.") { service, region, category, device, server };
        command.SetAction((parse, ct) =>
        {
            var address = parse.GetValue(server)!;
            return ServiceClient.Run(address, async () =>
            {
                var id = parse.GetValue(service)!;
                var chosen = parse.GetValue(category)!;
                if (chosen.Length == 0)
                {
                    var services = await ServiceClient.Query(address).ListServicesAsync(new ListServicesRequest(), cancellationToken: ct);
                    chosen = services.Services.FirstOrDefault(s => s.ServiceId == id)?.Categories.FirstOrDefault() ?? "";
                }

                var deviceId = parse.GetValue(device) is { Length: > 0 } d ? d : Guid.NewGuid().ToString("N");
                var response = await ServiceClient.Intake(address).SubmitReportAsync(new SubmitReportRequest
                {
                    Report = new Report
                    {
                        ReportId = Guid.NewGuid().ToString("N"), ServiceId = id, Region = parse.GetValue(region)!, Category = chosen,
                        DeviceId = deviceId, OccurredAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow), Platform = Platform.Desktop,
                    },
                }, cancellationToken: ct);
                AnsiConsole.MarkupLine($"report {response.Outcome.ToString().ToUpperInvariant()}; {Markup.Escape(Format.Series(response.Status.ServiceId, response.Status.Region))} is {Format.Level(response.Status.Level)}");
            });
        });
        return command;
    }

    private static Command Status()
    {
        var server = ServiceClient.ServerOption();
        var service = ServiceArgument();
        service.Arity = ArgumentArity.ZeroOrOne;
        service.DefaultValueFactory = _ => "";
        var region = RegionArgument();
        var command = new Command("status", "Show a service's live status with the figures behind it; without a service, list the catalog.") { service, region, server };
        command.SetAction((parse, ct) =>
        {
            var address = parse.GetValue(server)!;
            return ServiceClient.Run(address, async () =>
            {
                var id = parse.GetValue(service)!;
                if (id.Length == 0)
                {
                    var services = await ServiceClient.Query(address).ListServicesAsync(new ListServicesRequest(), cancellationToken: ct);
                    var table = new Table().AddColumns("service", "name", "owner", "categories");
                    foreach (var s in services.Services)
                    {
                        table.AddRow(s.ServiceId, Markup.Escape(s.DisplayName), s.Owner, string.Join(", ", s.Categories));
                    }

                    AnsiConsole.Write(table);
                    return;
                }

                var status = (await ServiceClient.Query(address).GetStatusAsync(new GetStatusRequest { ServiceId = id, Region = parse.GetValue(region)! }, cancellationToken: ct)).Status;
                AnsiConsole.MarkupLine($"{Markup.Escape(Format.Series(status.ServiceId, status.Region))}: {Format.Level(status.Level)}");
                AnsiConsole.WriteLine(Format.Sentence(status));
                if (status.IncidentId.Length > 0)
                {
                    AnsiConsole.MarkupLine($"incident [bold]{Markup.Escape(status.IncidentId)}[/]");
                }
            });
        });
        return command;
    }

    private static Command Disruptions()
    {
        var server = ServiceClient.ServerOption();
        var service = new Option<string>("--service") { DefaultValueFactory = _ => "", Description = "Only this service." };
        var owner = new Option<string>("--owner") { DefaultValueFactory = _ => "", Description = "Only services of this owner, such as meta." };
        var region = new Option<string>("--region") { DefaultValueFactory = _ => "", Description = "Only this region and its subdivisions." };
        var command = new Command("disruptions", "List every series that is not NORMAL, most severe first, and the open incidents.") { service, owner, region, server };
        command.SetAction((parse, ct) =>
        {
            var address = parse.GetValue(server)!;
            return ServiceClient.Run(address, async () =>
            {
                var client = ServiceClient.Query(address);
                var response = await client.ListDisruptionsAsync(new ListDisruptionsRequest
                {
                    ServiceId = parse.GetValue(service)!, Owner = parse.GetValue(owner)!, Region = parse.GetValue(region)!,
                }, cancellationToken: ct);
                if (response.Disruptions.Count == 0)
                {
                    AnsiConsole.MarkupLine("[green]No disruptions.[/]");
                }
                else
                {
                    var table = new Table().AddColumns("series", "level", "reports (15 min)", "usual", "ratio", "since", "top problems");
                    foreach (var d in response.Disruptions)
                    {
                        var e = d.Explanation;
                        table.AddRow(Markup.Escape(Format.Series(d.ServiceId, d.Region)), Format.Level(d.Level) + (e.Recovering ? " (recovering)" : ""),
                            e.Observed.ToString("N0", CultureInfo.InvariantCulture), e.Expected.ToString("N0", CultureInfo.InvariantCulture),
                            e.Ratio.ToString("0.#", CultureInfo.InvariantCulture) + "x", Format.Time(e.SinceTime),
                            Markup.Escape(string.Join(", ", e.TopCategories.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Category} {c.Share:P0}")))));
                    }

                    AnsiConsole.Write(table);
                }

                var incidents = await client.ListIncidentsAsync(new ListIncidentsRequest { Owner = parse.GetValue(owner)!, ServiceId = parse.GetValue(service)!, OpenOnly = true }, cancellationToken: ct);
                if (incidents.Incidents.Count > 0)
                {
                    AnsiConsole.Write(IncidentTable("Open incidents", incidents.Incidents));
                }
            });
        });
        return command;
    }

    private static Table IncidentTable(string title, IEnumerable<Incident> incidents)
    {
        var table = new Table().Title(title).AddColumns("incident", "owner", "services", "regions", "peak", "detected", "closed");
        foreach (var i in incidents)
        {
            table.AddRow(Markup.Escape(i.IncidentId), i.Owner, string.Join(", ", i.ServiceIds),
                Markup.Escape(string.Join(", ", i.Regions.Select(r => r.Length == 0 ? "world" : r))), Format.Level(i.PeakLevel),
                Format.Time(i.DetectedTime), i.ClosedTime is null ? "[yellow]open[/]" : Format.Time(i.ClosedTime));
        }

        return table;
    }

    private static Command Incidents()
    {
        var server = ServiceClient.ServerOption();
        var owner = new Option<string>("--owner") { DefaultValueFactory = _ => "", Description = "Only this owner, such as meta." };
        var service = new Option<string>("--service") { DefaultValueFactory = _ => "", Description = "Only this service." };
        var open = new Option<bool>("--open") { Description = "Only open incidents." };
        var command = new Command("incidents", "List incidents, newest first; family-wide ones are grouped under one parent.") { owner, service, open, server };
        command.SetAction((parse, ct) =>
        {
            var address = parse.GetValue(server)!;
            return ServiceClient.Run(address, async () =>
            {
                var response = await ServiceClient.Query(address).ListIncidentsAsync(new ListIncidentsRequest
                {
                    Owner = parse.GetValue(owner)!, ServiceId = parse.GetValue(service)!, OpenOnly = parse.GetValue(open),
                }, cancellationToken: ct);
                AnsiConsole.Write(IncidentTable("Incidents", response.Incidents));
            });
        });
        return command;
    }

    private static Command Statement()
    {
        var server = ServiceClient.ServerOption();
        var service = ServiceArgument();
        var text = new Argument<string>("text") { Description = "What the service's owner says, such as \"We are aware of problems logging in.\"" };
        var incident = new Option<string>("--incident") { Description = "The incident it is about (see 'outage incidents').", DefaultValueFactory = _ => "" };
        var command = new Command("statement", "Post an official statement on a service (needs a key with the admin scope: --key or OUTAGE_API_KEY).") { service, text, incident, server };
        command.SetAction((parse, ct) =>
        {
            var address = parse.GetValue(server)!;
            return ServiceClient.Run(address, async () =>
            {
                var response = await ServiceClient.Admin(address).PostStatementAsync(new PostStatementRequest
                {
                    ServiceId = parse.GetValue(service)!, Text = parse.GetValue(text)!, IncidentId = parse.GetValue(incident)!,
                }, cancellationToken: ct);
                AnsiConsole.MarkupLine($"Posted on [bold]{Markup.Escape(response.Statement.ServiceId)}[/] at {response.Statement.PostedTime.ToDateTimeOffset():yyyy-MM-dd HH:mm} UTC.");
            });
        });
        return command;
    }

    private static Command Incident()
    {
        var server = ServiceClient.ServerOption();
        var id = new Argument<string>("id") { Description = "Incident id, as listed by 'outage incidents'." };
        var command = new Command("incident", "Show one incident and its members.") { id, server };
        command.SetAction((parse, ct) =>
        {
            var address = parse.GetValue(server)!;
            return ServiceClient.Run(address, async () =>
            {
                var response = await ServiceClient.Query(address).GetIncidentAsync(new GetIncidentRequest { IncidentId = parse.GetValue(id)! }, cancellationToken: ct);
                AnsiConsole.Write(IncidentTable("Incident", [response.Incident]));
                if (response.Members.Count > 0)
                {
                    AnsiConsole.Write(IncidentTable("Members", response.Members));
                }
            });
        });
        return command;
    }

    private static Command Timeline()
    {
        var server = ServiceClient.ServerOption();
        var service = ServiceArgument();
        var region = RegionArgument();
        var width = new Option<int>("--width") { Description = "Bucket width in minutes: 1, 5 or 15.", DefaultValueFactory = _ => 15 };
        var hours = new Option<double>("--hours") { Description = "Window in hours, ending now.", DefaultValueFactory = _ => 24 };
        var command = new Command("timeline", "Chart reports against the usual level over a window (24 hours by default).") { service, region, width, hours, server };
        command.SetAction((parse, ct) =>
        {
            var address = parse.GetValue(server)!;
            return ServiceClient.Run(address, async () =>
            {
                var response = await ServiceClient.Query(address).GetTimelineAsync(new GetTimelineRequest
                {
                    ServiceId = parse.GetValue(service)!, Region = parse.GetValue(region)!,
                    BucketWidth = Duration.FromTimeSpan(TimeSpan.FromMinutes(parse.GetValue(width))),
                    Window = Duration.FromTimeSpan(TimeSpan.FromHours(parse.GetValue(hours))),
                }, cancellationToken: ct);
                AnsiConsole.MarkupLine($"[bold]{Markup.Escape(Format.Series(parse.GetValue(service)!, parse.GetValue(region)!))}[/], {parse.GetValue(width)}-minute buckets: [red]█[/] reports, [blue]─[/] usual level");
                AnsiConsole.Write(new Markup(Chart.Render(response.Buckets, Math.Max(40, Console.IsOutputRedirected ? 120 : Console.WindowWidth - 10))));
            });
        });
        return command;
    }

    private static Command Watch()
    {
        var server = ServiceClient.ServerOption();
        var service = new Option<string>("--service") { DefaultValueFactory = _ => "", Description = "Only this service." };
        var region = new Option<string>("--region") { DefaultValueFactory = _ => "", Description = "Only this region and its subdivisions." };
        var command = new Command("watch", "Print status changes as they happen (a snapshot first); reconnects without missing changes. Ctrl+C to stop.") { service, region, server };
        command.SetAction(async (parse, ct) =>
        {
            var address = parse.GetValue(server)!;
            var client = ServiceClient.Query(address);
            long last = 0;
            var waiting = false;
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    using var call = client.WatchStatus(new WatchStatusRequest { ServiceId = parse.GetValue(service)!, Region = parse.GetValue(region)!, AfterSequence = last }, cancellationToken: ct);
                    await foreach (var change in call.ResponseStream.ReadAllAsync(ct))
                    {
                        waiting = false;
                        last = change.Sequence;
                        if (change.SnapshotComplete)
                        {
                            AnsiConsole.MarkupLine($"[grey]{DateTime.UtcNow:HH:mm:ss} #{change.Sequence,-6} up to date: every series not listed is NORMAL; changes follow as they happen.[/]");
                            continue;
                        }

                        if (change.Heartbeat || change.Status is null)
                        {
                            continue; // the stream is alive and nothing changed
                        }

                        var s = change.Status;
                        var arrow = change.Snapshot ? "now" : $"{LevelWord(change.PreviousLevel)} →";
                        AnsiConsole.MarkupLine($"{DateTime.UtcNow:HH:mm:ss} #{change.Sequence,-6} {Markup.Escape(Format.Series(s.ServiceId, s.Region)),-24} {arrow} {Format.Level(s.Level)}  {Markup.Escape(Format.Sentence(s))}");
                    }
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled || ct.IsCancellationRequested)
                {
                    break;
                }
                catch (RpcException e)
                {
                    if (!waiting)
                    {
                        AnsiConsole.MarkupLine($"[grey]{DateTime.UtcNow:HH:mm:ss} stream lost ({Markup.Escape(e.StatusCode.ToString())}); reconnecting after #{last}...[/]");
                        waiting = true;
                    }

                    await Task.Delay(TimeSpan.FromSeconds(1), ct).ContinueWith(_ => { }, TaskScheduler.Default);
                }
            }

            return 0;
        });
        return command;
    }

    private static string LevelWord(DisruptionLevel level) => level == DisruptionLevel.Unspecified ? "" : level.ToString().ToUpperInvariant();
}
