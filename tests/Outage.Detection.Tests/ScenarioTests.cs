using Outage.Detection.Quality;
using Outage.Detection.Simulation;

namespace Outage.Detection.Tests;

public class ScenarioTests
{
    [Fact]
    public void SimulationIsDeterministic()
    {
        var scenario = ScenarioCatalog.Find("blip")!;
        var a = new ScenarioSimulator(scenario, TimeSpan.FromMinutes(1)).Generate().Take(500).SelectMany(b => b.Buckets.Select(x => x.Count)).ToArray();
        var b = new ScenarioSimulator(scenario, TimeSpan.FromMinutes(1)).Generate().Take(500).SelectMany(b => b.Buckets.Select(x => x.Count)).ToArray();

        Assert.Equal(a, b);
    }

    [Fact]
    public void TheLoginOutageIsFoundOnEveryHitSeriesAndGroupedUnderOneMetaIncident()
    {
        var run = ScenarioRunner.Run(ScenarioCatalog.Find("login-outage")!, new DetectorSettings());
        var report = new QualityReport([run]);

        var mustFind = report.Outcomes.Where(o => o.MustBeFound).ToList();
        Assert.NotEmpty(mustFind);
        Assert.All(mustFind, o => Assert.True(o.Found, $"{o.Truth.Series} not found"));
        var onset = run.Scenario.Incidents[0].Start;
        var metaGroups = run.Groups.Where(g => g.Owner == "meta" && g.OpenedAt >= onset && g.OpenedAt < onset.AddHours(1)).ToList();
        var group = Assert.Single(metaGroups);
        Assert.Equal(["facebook", "instagram", "messenger", "threads"], group.Services.Order());
        Assert.Empty(report.FalseDisruptions);
    }

    [Theory]
    [InlineData("repeated-incidents")]
    [InlineData("slow-rise")]
    [InlineData("sparse-burst")]
    public void TheRealDataFailureScenariosAreFoundWithinTheFalseAlarmGoal(string name)
    {
        var report = new QualityReport([ScenarioRunner.Run(ScenarioCatalog.Find(name)!, new DetectorSettings())]);

        var mustFind = report.Outcomes.Where(o => o.MustBeFound).ToList();
        Assert.NotEmpty(mustFind);
        Assert.All(mustFind, o => Assert.True(o.Found, $"{o.Truth.Incident.Name} on {o.Truth.Series} not found"));
        // The suite's goal: at most one false disruption per series per 30 days (the calibration targets a quarter of one).
        Assert.True(report.FalseDisruptionsPer30Days <= 1, $"{report.FalseDisruptions.Count} false disruptions in {report.NormalSeriesDays:0} series-days");
    }
}
