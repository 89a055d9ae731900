using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Outage.Contracts.V1;
using Xunit.Abstractions;

namespace Outage.Integration.Tests;

/// <summary>
/// A real cluster: redis-server, three silo processes and one edge process. Reports are driven while
/// silos die or restart; afterwards the counts served must equal the acknowledgements exactly.
/// </summary>
public sealed class FailoverTests(ITestOutputHelper output) : IDisposable
{
    private readonly RedisServer _redis = new();

    private static readonly System.Text.RegularExpressions.Regex AdminKeyPattern = new(@"outage_admin_[A-Za-z0-9_-]{43}");
    private readonly string _clusterId = "it-" + Guid.NewGuid().ToString("N")[..8];
    private readonly List<HostProcess> _hosts = [];

    private async Task<HostProcess> StartAsync(string role, IReadOnlyDictionary<string, string>? settings = null)
    {
        var host = new HostProcess(role, _redis.ConnectionString, _clusterId, settings);
        _hosts.Add(host);
        await host.WaitHealthyAsync(TimeSpan.FromSeconds(90));
        return host;
    }

    private async Task WaitServedAsync(LoadDriver driver, string address, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        foreach (var (service, region) in LoadDriver.Series)
        {
            while (true)
            {
                try
                {
                    await driver.Query(address).GetStatusAsync(new GetStatusRequest { ServiceId = service, Region = region }, deadline: DateTime.UtcNow.AddSeconds(5));
                    break;
                }
                catch (RpcException) when (DateTime.UtcNow < until)
                {
                    await Task.Delay(200);
                }
            }
        }
    }

    private async Task AssertCountsEqualAcknowledgementsAsync(LoadDriver driver, string address)
    {
        async Task<long> CountedAsync((string Service, string Region) series) =>
            (await driver.Query(address).GetTimelineAsync(new GetTimelineRequest
            {
                ServiceId = series.Service, Region = series.Region, BucketWidth = Duration.FromTimeSpan(TimeSpan.FromMinutes(15)),
            })).Buckets.Sum(b => b.Reports);

        // Reading every series first activates them, so that a series whose silo died delivers the roll-ups it
        // still owed (from its journal) to its parent; roll-ups arrive within a timer tick of that.
        foreach (var series in LoadDriver.Series)
        {
            await CountedAsync(series);
        }

        foreach (var series in LoadDriver.Series)
        {
            // A country's series also counts its subdivisions' reports (roll-up).
            var acknowledged = driver.Acknowledged
                .Where(a => a.Key.Service == series.Service && (a.Key.Region == series.Region || a.Key.Region.StartsWith(series.Region + "-", StringComparison.Ordinal)))
                .Sum(a => a.Value);
            var counted = await CountedAsync(series);
            for (var until = DateTime.UtcNow.AddSeconds(30); counted != acknowledged && DateTime.UtcNow < until; counted = await CountedAsync(series))
            {
                await Task.Delay(250);
            }

            output.WriteLine($"{series.Service}/{series.Region}: counted {counted}, acknowledged {acknowledged}");
            Assert.Equal(acknowledged, counted);
        }
    }

    [Fact]
    public async Task KillingASiloMidLoadLosesAndDoublesNothing()
    {
        var silos = new[] { await StartAsync("silo"), await StartAsync("silo"), await StartAsync("silo") };
        var edge = await StartAsync("edge");
        var driver = new LoadDriver(() => silos.Prepend(edge).Where(h => !h.HasExited).Select(h => h.Address).ToList());
        await WaitServedAsync(driver, edge.Address, TimeSpan.FromSeconds(60));
        // Series are placed at random: the victim is the silo hosting the most of them, so that it certainly dies with
        // acknowledged changes newer than their snapshots (a silo hosting none makes the test pass vacuously).
        var hosted = new Dictionary<HostProcess, long>();
        foreach (var silo in silos)
        {
            hosted[silo] = await silo.ActiveSeriesAsync();
        }

        var victim = hosted.MaxBy(h => h.Value).Key;
        var survivors = silos.Where(s => s != victim).ToArray();
        output.WriteLine($"series per silo before the kill: {string.Join(", ", silos.Select(s => hosted[s]))}; killing the silo on {victim.GrpcPort}");
        Assert.True(hosted[victim] > 0, "no silo hosts a series");

        var killedAt = TimeSpan.Zero;
        var clock = Stopwatch.StartNew();
        Task? servedAgain = null;
        await driver.RunAsync(workers: 4, batches: 50, batchSize: 100, afterBatch: sent =>
        {
            if (sent == 60)
            {
                victim.Kill();
                killedAt = clock.Elapsed;
                servedAgain = WaitServedAsync(driver, edge.Address, TimeSpan.FromSeconds(90))
                    .ContinueWith(_ => output.WriteLine($"every series served again {(clock.Elapsed - killedAt).TotalSeconds:0.0} s after the SIGKILL"), TaskScheduler.Default);
            }
        });
        await servedAgain!;
        output.WriteLine($"load: {clock.Elapsed.TotalSeconds:0.0} s, {driver.Accepted} accepted, {driver.DuplicatesOnRetry} duplicates on retry, {driver.Retries} retried batches");

        await AssertCountsEqualAcknowledgementsAsync(driver, edge.Address);
        Assert.Equal(20_000, driver.Accepted + driver.DuplicatesOnRetry);
        // The killed silo's series had acknowledged batches newer than their last snapshot: the survivors replayed them from the journal.
        Assert.Contains(survivors, s => s.LogText().Contains("journaled changes replayed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ARollingRestartOfEverySiloLosesAndDoublesNothing()
    {
        var silos = new List<HostProcess> { await StartAsync("silo"), await StartAsync("silo"), await StartAsync("silo") };
        var edge = await StartAsync("edge");
        var driver = new LoadDriver(() => silos.Prepend(edge).Where(h => !h.HasExited).Select(h => h.Address).ToList());
        await WaitServedAsync(driver, edge.Address, TimeSpan.FromSeconds(60));
        var clock = Stopwatch.StartNew();

        var load = driver.RunAsync(workers: 3, batches: 400, batchSize: 50);
        for (var i = 0; i < 3 && !load.IsCompleted; i++)
        {
            var replacement = await StartAsync("silo");
            var old = silos[0];
            silos.Add(replacement);
            silos.Remove(old);
            old.Terminate(TimeSpan.FromSeconds(45)); // SIGTERM: drain, flush, leave the cluster
            output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: silo {old.GrpcPort} replaced by {replacement.GrpcPort}");
        }

        await load;
        output.WriteLine($"load: {clock.Elapsed.TotalSeconds:0.0} s, {driver.Accepted} accepted, {driver.DuplicatesOnRetry} duplicates on retry, {driver.Retries} retried batches");
        await WaitServedAsync(driver, edge.Address, TimeSpan.FromSeconds(60));
        await AssertCountsEqualAcknowledgementsAsync(driver, edge.Address);
        Assert.Equal(60_000, driver.Accepted + driver.DuplicatesOnRetry);
    }

    [Fact]
    public async Task ARedisRestartLosesNoAcknowledgedReport()
    {
        var silos = new[] { await StartAsync("silo"), await StartAsync("silo") };
        var edge = await StartAsync("edge");
        var driver = new LoadDriver(() => new[] { edge, silos[0], silos[1] }.Select(h => h.Address).ToList());
        await WaitServedAsync(driver, edge.Address, TimeSpan.FromSeconds(60));

        await driver.RunAsync(workers: 3, batches: 20, batchSize: 100);
        _redis.Stop();
        var outage = Stopwatch.StartNew();
        var during = driver.RunAsync(workers: 2, batches: 5, batchSize: 100); // retried until Redis is back
        await Task.Delay(TimeSpan.FromSeconds(3));
        _redis.Start();
        await during;
        output.WriteLine($"reports sent while Redis was down completed {outage.Elapsed.TotalSeconds:0.0} s after it stopped ({driver.Retries} retried batches)");
        await driver.RunAsync(workers: 3, batches: 20, batchSize: 100);

        await WaitServedAsync(driver, edge.Address, TimeSpan.FromSeconds(60));
        await AssertCountsEqualAcknowledgementsAsync(driver, edge.Address);
        Assert.Equal(13_000, driver.Accepted + driver.DuplicatesOnRetry);
    }

    /// <summary>
    /// A silo dies right after the last acknowledged batch, while its series still owe their parents roll-ups, and
    /// nobody reports on (or reads) those series again: their reminders bring them back on the surviving silo, where
    /// they replay their journals and deliver what they owed. Only the worldwide series are read: they must end up
    /// holding every acknowledged report of their service.
    /// </summary>
    [Fact]
    public async Task ASeriesWhoseSiloDiedIsBroughtBackByItsReminderToDeliverTheRollUpsItOwed()
    {
        var silos = new[] { await StartAsync("silo"), await StartAsync("silo") };
        var edge = await StartAsync("edge");
        var driver = new LoadDriver(() => new[] { edge, silos[1] }.Where(h => !h.HasExited).Select(h => h.Address).ToList());

        await driver.RunAsync(workers: 4, batches: 40, batchSize: 100);
        silos[0].Kill();
        var killed = Stopwatch.StartNew();

        foreach (var service in LoadDriver.Series.Select(s => s.Service).Distinct())
        {
            var acknowledged = driver.Acknowledged.Where(a => a.Key.Service == service).Sum(a => a.Value);
            long counted = 0;
            while (killed.Elapsed < TimeSpan.FromMinutes(4))
            {
                try
                {
                    counted = (await driver.Query(edge.Address).GetTimelineAsync(new GetTimelineRequest
                    {
                        ServiceId = service, BucketWidth = Duration.FromTimeSpan(TimeSpan.FromMinutes(15)),
                    }, deadline: DateTime.UtcNow.AddSeconds(15))).Buckets.Sum(b => b.Reports);
                }
                catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
                {
                    // the worldwide series itself may have lived on the killed silo
                }

                if (counted == acknowledged)
                {
                    break;
                }

                await Task.Delay(1000);
            }

            output.WriteLine($"{service} (world): counted {counted}, acknowledged {acknowledged}, {killed.Elapsed.TotalSeconds:0} s after the SIGKILL");
            Assert.Equal(acknowledged, counted);
        }

        // The series of the killed silo came back by reminder, not by a read: the survivor replayed their journals.
        Assert.Contains("journaled changes replayed", silos[1].LogText(), StringComparison.Ordinal);
    }

    /// <summary>
    /// Redis freezes (SIGSTOP) for 10 s under load, then runs again: callers are told UNAVAILABLE while it cannot store
    /// their reports, nothing is answered ACCEPTED that Redis did not hold (a silo killed afterwards loses none of them),
    /// and the service takes reports again within seconds of Redis coming back.
    /// </summary>
    [Fact]
    public async Task ARedisStallUnderLoadAnswersUnavailableNeverAFalseAcceptedAndLosesNothing()
    {
        var silos = new[] { await StartAsync("silo"), await StartAsync("silo") };
        var edge = await StartAsync("edge");
        var driver = new LoadDriver(() => new[] { edge, silos[0], silos[1] }.Where(h => !h.HasExited).Select(h => h.Address).ToList());
        await WaitServedAsync(driver, edge.Address, TimeSpan.FromSeconds(60));
        await driver.RunAsync(workers: 2, batches: 5, batchSize: 100);

        var stop = new CancellationTokenSource();
        var load = driver.RunAsync(workers: 4, batches: 10_000, batchSize: 50, stop: stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(2));
        _redis.Pause();
        var pausedAt = DateTime.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(1)); // answers to appends Redis completed before it froze may still be on their way
        var acceptedEarly = driver.Accepted;
        await Task.Delay(TimeSpan.FromSeconds(9));
        var acceptedLate = driver.Accepted;
        _redis.Resume();
        var resumed = Stopwatch.StartNew();
        while (driver.Accepted == acceptedLate && resumed.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(50);
        }

        var backAfter = resumed.Elapsed;
        await Task.Delay(TimeSpan.FromSeconds(3));
        stop.Cancel();
        await load;
        output.WriteLine($"during the stall: {acceptedLate - acceptedEarly} accepted, first failure {(driver.FirstFailure - pausedAt).TotalSeconds:0.0} s after SIGSTOP; " +
            $"first ACCEPTED {backAfter.TotalSeconds:0.0} s after SIGCONT; {driver.Accepted} accepted, {driver.DuplicatesOnRetry} duplicates on retry, " +
            $"{driver.FalseDuplicates} false duplicates in all; failed attempts {string.Join(", ", driver.Failures.Select(f => $"{f.Key} x{f.Value}"))}");

        Assert.Equal(acceptedEarly, acceptedLate);
        // Callers are told, not left hanging: UNAVAILABLE and nothing else (no INTERNAL, no DEADLINE_EXCEEDED). The first
        // answer comes after Redis' own command timeout (5 s); after the edge's response timeout (10 s) when the series had
        // other work queued; at most after both (15 s, plus scheduling) when a batch queued behind the failed append is
        // handed to the series' next activation, which waits for the frozen Redis to recover (seen once in CI: 15.2 s).
        Assert.Equal([StatusCode.Unavailable], driver.Failures.Keys);
        Assert.InRange(driver.FirstFailure - pausedAt, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(17));
        Assert.True(backAfter < TimeSpan.FromSeconds(15), $"first ACCEPTED {backAfter.TotalSeconds:0.0} s after Redis came back");
        // What was acknowledged is in Redis: a silo killed now loses none of it (its series replay their journals).
        silos[0].Kill();
        await WaitServedAsync(driver, edge.Address, TimeSpan.FromSeconds(90));
        await AssertCountsEqualAcknowledgementsAsync(driver, edge.Address);
    }

    [Fact]
    public async Task AnEdgeWithNoSiloAnswersUnavailableAndRecoversWhenASiloComesBack()
    {
        var silo = await StartAsync("silo");
        var edge = await StartAsync("edge");
        var driver = new LoadDriver(() => [edge.Address]);
        await WaitServedAsync(driver, edge.Address, TimeSpan.FromSeconds(60));

        silo.Kill();
        var failure = await Assert.ThrowsAsync<RpcException>(() => driver.Query(edge.Address)
            .GetStatusAsync(new GetStatusRequest { ServiceId = "steam", Region = "PL" }, deadline: DateTime.UtcNow.AddSeconds(60)).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, failure.StatusCode);

        var clock = Stopwatch.StartNew();
        await StartAsync("silo");
        await WaitServedAsync(driver, edge.Address, TimeSpan.FromSeconds(90));
        output.WriteLine($"the edge served again {clock.Elapsed.TotalSeconds:0.0} s after a replacement silo was started");
        await driver.RunAsync(workers: 1, batches: 5, batchSize: 100);
        Assert.Equal(500, driver.Accepted);
    }

    [Fact]
    public async Task ASiloWaitsForARedisThatIsBrieflyUnreachableAtStartUp()
    {
        _redis.Stop();
        var silo = new HostProcess("silo", _redis.ConnectionString, _clusterId);
        _hosts.Add(silo);
        await Task.Delay(TimeSpan.FromSeconds(6));
        Assert.False(silo.HasExited, "the silo crashed while Redis was unreachable");

        _redis.Start();
        await silo.WaitHealthyAsync(TimeSpan.FromSeconds(60));
        var driver = new LoadDriver(() => [silo.Address]);
        await WaitServedAsync(driver, silo.Address, TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task AFullClusterRestartKeepsCountsIncidentsStatementsTheCatalogAndTheDisruptionIndex()
    {
        // The product clock runs 60x, so buckets close every second and the incident opens quickly.
        var fast = new Dictionary<string, string>
        {
            ["Outage__Clock__Speed"] = "60",
            ["Outage__Clock__Epoch"] = DateTimeOffset.UtcNow.ToString("O"),
        };
        var epoch = DateTimeOffset.Parse(fast["Outage__Clock__Epoch"], System.Globalization.CultureInfo.InvariantCulture);
        DateTimeOffset ProductNow() => epoch + (DateTimeOffset.UtcNow - epoch) * 60;
        var hosts = new List<HostProcess> { await StartAsync("silo", fast), await StartAsync("silo", fast), await StartAsync("edge", fast) };
        var driver = new LoadDriver(() => hosts.Where(h => !h.HasExited).Select(h => h.Address).ToList());
        var edge = () => hosts.Last(h => h.Role == "edge" && !h.HasExited).Address;
        await WaitServedAsync(driver, edge(), TimeSpan.FromSeconds(60));
        await driver.RunAsync(workers: 2, batches: 10, batchSize: 100);

        var surge = new SubmitReportsRequest();
        surge.Reports.AddRange(Enumerable.Range(0, 1000).Select(i => new Report
        {
            ReportId = $"surge-{i}", DeviceId = $"surge-device-{i}", ServiceId = "discord", Region = "FR", Category = "voice",
            OccurredAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow), Platform = Platform.Ios,
        }));
        await driver.Intake(edge()).SubmitReportsAsync(surge);
        Incident? incident = null;
        for (var i = 0; i < 100 && incident is null; i++)
        {
            await Task.Delay(200);
            incident = (await driver.Query(edge()).ListIncidentsAsync(new ListIncidentsRequest { ServiceId = "discord" })).Incidents.FirstOrDefault();
        }

        Assert.NotNull(incident);
        var sequenceBefore = (await driver.Query(edge()).ListDisruptionsAsync(new ListDisruptionsRequest())).Disruptions.Count;
        // No key is configured: the first process to start made the admin key, printed it, and left its hash in Redis,
        // where every other process (silo or edge) found it.
        var printed = hosts.Select(h => AdminKeyPattern.Match(h.LogText())).Where(m => m.Success).Select(m => m.Value).ToList();
        var key = Assert.Single(printed);
        var admin = new Grpc.Core.Metadata { { "authorization", "Bearer " + key } };
        Assert.Equal(Grpc.Core.StatusCode.Unauthenticated, (await Assert.ThrowsAsync<Grpc.Core.RpcException>(() =>
            driver.Admin(hosts[1].Address).PostStatementAsync(new PostStatementRequest { ServiceId = "discord", Text = "No key." }).ResponseAsync)).StatusCode);
        var statement = await driver.Admin(hosts[0].Address).PostStatementAsync(new PostStatementRequest { ServiceId = "discord", Text = "Voice is down in France.", IncidentId = incident!.IncidentId }, admin);

        // A service added through one silo takes reports at the edge (another process) within seconds.
        await driver.Admin(hosts[1].Address).CreateServiceAsync(new CreateServiceRequest
        {
            Service = new Service { ServiceId = "bluesky", DisplayName = "Bluesky", Owner = "bluesky", Categories = { "feed", "posting" } },
        }, admin);
        var propagated = Stopwatch.StartNew();
        await SubmitToNewServiceAsync(driver, edge(), ProductNow, TimeSpan.FromSeconds(15));
        output.WriteLine($"new service accepted at the edge {propagated.Elapsed.TotalSeconds:F1} s after it was created on a silo");

        foreach (var host in hosts)
        {
            host.Terminate(TimeSpan.FromSeconds(45));
        }

        hosts.Add(await StartAsync("silo", fast));
        hosts.Add(await StartAsync("silo", fast));
        hosts.Add(await StartAsync("edge", fast));
        await WaitServedAsync(driver, edge(), TimeSpan.FromSeconds(60));

        // The restarted processes take up the same key and print none.
        Assert.All(hosts.Skip(3), h => Assert.DoesNotMatch(AdminKeyPattern, h.LogText()));
        await driver.Admin(edge()).PostStatementAsync(new PostStatementRequest { ServiceId = "bluesky", Text = "Posting works again." }, admin);

        await AssertCountsEqualAcknowledgementsAsync(driver, edge());
        var after = await driver.Query(edge()).GetIncidentAsync(new GetIncidentRequest { IncidentId = incident!.IncidentId });
        Assert.Equal(incident.IncidentId, after.Incident.IncidentId);
        Assert.Equal(statement.Statement.Text, after.Incident.Statements.Single().Text);
        Assert.Contains(after.Members.Append(after.Incident), i => i.AcknowledgementLag is not null);
        // The catalog was saved in Redis: the new service is still there after every process restarted.
        await SubmitToNewServiceAsync(driver, edge(), ProductNow, TimeSpan.Zero);
        var disruptions = await driver.Query(edge()).ListDisruptionsAsync(new ListDisruptionsRequest { ServiceId = "discord" });
        Assert.Contains(disruptions.Disruptions, d => d.Region == "FR");
        Assert.True(sequenceBefore > 0);
    }

    /// <summary>Submits a report on the service "bluesky" (created by the test), retrying INVALID_ARGUMENT for up to <paramref name="patience"/>.</summary>
    private static async Task SubmitToNewServiceAsync(LoadDriver driver, string address, Func<DateTimeOffset> now, TimeSpan patience)
    {
        var until = DateTime.UtcNow + patience;
        while (true)
        {
            try
            {
                await driver.Intake(address).SubmitReportAsync(new SubmitReportRequest
                {
                    Report = new Report
                    {
                        ReportId = Guid.NewGuid().ToString("N"), DeviceId = Guid.NewGuid().ToString("N"), ServiceId = "bluesky", Region = "DE",
                        Category = "feed", OccurredAt = Timestamp.FromDateTimeOffset(now()), Platform = Platform.Web,
                    },
                });
                return;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.InvalidArgument && DateTime.UtcNow < until)
            {
                await Task.Delay(100);
            }
        }
    }

    public void Dispose()
    {
        foreach (var host in _hosts)
        {
            host.Dispose();
        }

        _redis.Dispose();
    }
}
