using System.CommandLine;
using Outage.Cli.Commands;

var root = new RootCommand("outage: crowd-sourced outage detection. Replay and simulate offline, or talk to a running Outage service.")
{
    ReplayCommand.Create(),
    SimulateCommand.Create(),
    QualityCommand.Create(),
    EvaluateCommand.Create(),
};
foreach (var command in QueryCommands.Create().Concat(NotificationCommands.Create()))
{
    root.Subcommands.Add(command);
}

root.Options.Add(ServiceClient.KeyOption);
var parse = root.Parse(args);
ServiceClient.ApiKey = parse.GetValue(ServiceClient.KeyOption);
return await parse.InvokeAsync();
