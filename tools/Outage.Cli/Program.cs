using System.CommandLine;
using Outage.Cli.Commands;

var root = new RootCommand("outage: crowd-sourced outage detection. Replay and simulate offline, or talk to a running Outage service.")
{
    ReplayCommand.Create(),
    SimulateCommand.Create(),
    QualityCommand.Create(),
    EvaluateCommand.Create(),
};
foreach (var command in QueryCommands.Create())
{
    root.Subcommands.Add(command);
}

return await root.Parse(args).InvokeAsync();
