using System.Collections.Concurrent;
using FsCheck;
using FsCheck.Fluent;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.AspNetCore.Hosting;
using Outage.Contracts.V1;
using Xunit.Abstractions;

namespace Outage.Host.Tests;

/// <summary>A host of its own for the robustness suite, so that its counts are its own.</summary>
public sealed class RobustHostFactory : OutageHostFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Logging:LogLevel:Default", "Error");
    }
}

/// <summary>
/// Random and malformed requests at every RPC: random bytes as the protobuf message, huge strings, odd
/// Unicode, out-of-range enums and timestamps, oversized batches. Every answer must be a clean gRPC status
/// (never INTERNAL or UNKNOWN), the process must stay healthy, and only ACCEPTED reports may change counts.
/// </summary>
public class RobustnessTests(RobustHostFactory host, ITestOutputHelper output) : IClassFixture<RobustHostFactory>
{
    private static readonly StatusCode[] Unclean = [StatusCode.Internal, StatusCode.Unknown, StatusCode.DataLoss, StatusCode.Unimplemented];

    private static readonly string[] UnaryMethods =
    [
        "/outage.v1.ReportIntakeService/SubmitReport", "/outage.v1.ReportIntakeService/SubmitReports",
        "/outage.v1.StatusQueryService/ListServices", "/outage.v1.StatusQueryService/GetStatus",
        "/outage.v1.StatusQueryService/ListDisruptions", "/outage.v1.StatusQueryService/GetTimeline",
        "/outage.v1.StatusQueryService/ListIncidents", "/outage.v1.StatusQueryService/GetIncident",
        "/outage.v1.AdminService/PostStatement", "/outage.v1.AdminService/CreateService",
        "/outage.v1.AdminService/UpdateService", "/outage.v1.AdminService/DeleteService", "/outage.v1.AdminService/GetOfficialSource",
    ];

    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(b => b, b => b);

    /// <summary>Strings that are hard on a parser: empty, huge, control characters, unpaired surrogates, RTL marks, emoji.</summary>
    private static Gen<string> NastyString() => Gen.OneOf(
        ArbMap.Default.GeneratorFor<string>().Select(s => s ?? ""),
        Gen.Constant(""),
        Gen.Choose(1, 200_000).Select(n => new string('x', n)),
        Gen.Elements("\u0000", "\ud800", "\u202e\u0041", "🔥💥", "US", "US-CA", "facebook", "login", "zz-ZZ-zz", " ", "\t\n"));

    private static string Truncate(string s) => s.Length <= 300 ? s : s[..300] + "...";

    private static Gen<Report> AnyReport() =>
        from id in NastyString()
        from device in NastyString()
        from service in Gen.OneOf(NastyString(), Gen.Elements("facebook", "whatsapp", "x"))
        from region in Gen.OneOf(NastyString(), Gen.Elements("US", "BR-SP", "", "us"))
        from category in Gen.OneOf(NastyString(), Gen.Elements("login", "feed", "messages"))
        from seconds in Gen.OneOf(Gen.Choose(-100_000, 100_000).Select(d => DateTimeOffset.UtcNow.ToUnixTimeSeconds() + d), Gen.Elements(long.MinValue, long.MaxValue, 0L))
        from nanos in Gen.Elements(0, -1, 999_999_999, int.MaxValue)
        from platform in Gen.Choose(-3, 9)
        from version in NastyString()
        select new Report
        {
            ReportId = id, DeviceId = device, ServiceId = service, Region = region, Category = category,
            OccurredAt = new Timestamp { Seconds = seconds, Nanos = nanos }, Platform = (Platform)platform, AppVersion = version,
        };

    [Fact]
    public async Task EveryAnswerToRandomAndMalformedRequestsIsACleanStatusAndOnlyAcceptedReportsCount()
    {
        var invoker = host.Channel().CreateCallInvoker();
        var intake = host.Intake();
        var unclean = new ConcurrentBag<string>();
        var accepted = new ConcurrentDictionary<(string, string), int>();
        var cases = 0;

        // 1. Random bytes as the request message of every unary RPC. Bytes that are not protobuf at all are
        // INVALID_ARGUMENT (counted); the others decode to some message and are validated like any request.
        var undecodable = 0;
        var randomBytes = ArbMap.Default.GeneratorFor<byte[]>().Sample(400);
        foreach (var method in UnaryMethods)
        {
            var m = new Method<byte[], byte[]>(MethodType.Unary, method.Split('/')[1], method.Split('/')[2], Bytes, Bytes);
            // Admin calls carry the first-start admin key, so that random bytes reach the parser rather than stop at the door.
            var headers = method.Contains("AdminService", StringComparison.Ordinal) ? new Metadata { { "authorization", "Bearer " + host.PrintedAdminKey } } : null;
            foreach (var body in randomBytes)
            {
                var code = await Reports.CodeOf(() => invoker.AsyncUnaryCall(m, null, new CallOptions(headers, DateTime.UtcNow.AddSeconds(30)), body).ResponseAsync);
                cases++;
                undecodable += code == StatusCode.InvalidArgument ? 1 : 0;
                if (Unclean.Contains(code))
                {
                    unclean.Add($"{method} with {body.Length} random bytes: {code}");
                }
            }
        }

        // 2. Structurally valid messages full of nasty values, one report at a time and in batches up to 10,000.
        void Count(Report report, ReportOutcome outcome)
        {
            if (outcome == ReportOutcome.Accepted)
            {
                accepted.AddOrUpdate((report.ServiceId, report.Region), 1, (_, n) => n + 1);
            }
        }

        // A third of them valid, so that accepted reports are mixed with rejected ones.
        var reports = Gen.Frequency((2, AnyReport()), (1, Gen.Elements("facebook", "whatsapp", "x").SelectMany(service =>
            Gen.Elements("US", "US-CA", "BR").Select(region => Reports.Valid(host, service, region, service == "whatsapp" ? "messages" : "login")))));
        foreach (var report in reports.Sample(1_500))
        {
            cases++;
            try
            {
                var answer = await intake.SubmitReportAsync(new SubmitReportRequest { Report = report });
                Count(report, answer.Outcome);
            }
            catch (RpcException e) when (!Unclean.Contains(e.StatusCode))
            {
            }
            catch (RpcException e)
            {
                unclean.Add($"SubmitReport: {e.StatusCode} {e.Status.Detail} for {Truncate(report.ToString())}");
            }
        }

        foreach (var size in new[] { 0, 1, 999, 1_000, 1_001, 10_000 })
        {
            var batch = new SubmitReportsRequest();
            batch.Reports.AddRange(AnyReport().Sample(size));
            cases++;
            try
            {
                var answer = await intake.SubmitReportsAsync(batch);
                foreach (var result in answer.Results)
                {
                    Count(batch.Reports[result.Index], result.Outcome);
                }
            }
            catch (RpcException e) when (!Unclean.Contains(e.StatusCode))
            {
            }
        }

        // 3. Random queries.
        var query = host.Query();
        foreach (var (service, region) in NastyString().Zip(NastyString()).Sample(300))
        {
            cases += 2;
            var a = await Reports.CodeOf(() => query.GetStatusAsync(new GetStatusRequest { ServiceId = service, Region = region }).ResponseAsync);
            var b = await Reports.CodeOf(() => query.GetTimelineAsync(new GetTimelineRequest
            {
                ServiceId = service, Region = region, BucketWidth = Duration.FromTimeSpan(TimeSpan.FromSeconds(region.Length)),
            }).ResponseAsync);
            foreach (var code in new[] { a, b }.Where(Unclean.Contains))
            {
                unclean.Add($"query ({service.Length} chars, {region.Length} chars): {code}");
            }
        }

        output.WriteLine($"{cases:N0} cases; {accepted.Values.Sum()} reports accepted over {accepted.Count} series; {undecodable} random-byte requests answered INVALID_ARGUMENT");
        Assert.True(unclean.IsEmpty, string.Join("\n", unclean.Take(20)));

        // The process is healthy, and the series hold exactly the reports that were accepted.
        var health = await new Health.HealthClient(host.Channel()).CheckAsync(new HealthCheckRequest());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        foreach (var (service, region) in accepted.Keys)
        {
            // A country's series also counts its subdivisions' reports (rolled up within a second).
            var expected = accepted.Where(a => a.Key.Item1 == service && (a.Key.Item2 == region || a.Key.Item2.StartsWith(region + "-", StringComparison.Ordinal))).Sum(a => a.Value);
            long counted = -1;
            Assert.True(await Reports.Eventually(async () =>
            {
                var timeline = await query.GetTimelineAsync(new GetTimelineRequest
                {
                    ServiceId = service, Region = region, BucketWidth = Duration.FromTimeSpan(TimeSpan.FromMinutes(15)),
                });
                counted = timeline.Buckets.Sum(b => b.Reports);
                return counted == expected;
            }), $"{service}/{region}: counted {counted}, accepted {expected}");
        }
    }

    [Fact]
    public async Task BytesThatAreNotProtobufAreInvalidArgumentWithABadRequest()
    {
        var method = new Method<byte[], byte[]>(MethodType.Unary, "outage.v1.ReportIntakeService", "SubmitReport", Bytes, Bytes);

        var error = await Assert.ThrowsAsync<RpcException>(() => host.Channel().CreateCallInvoker().AsyncUnaryCall(method, null, default, [0xFF, 0xFF, 0xFF]).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("(request)", error.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>().FieldViolations.Single().Field);
    }

    [Fact]
    public async Task MessagesJustUnderAndOverTheMaximumSizeGetCleanAnswersAndChangeNothing()
    {
        // The server takes messages up to 4 MB (grpc-dotnet's default): just under is validated like any request
        // (a 4 MB app_version is too long), over is refused before it is parsed.
        var intake = host.Intake();
        async Task<StatusCode> SubmitAsync(int appVersionLength)
        {
            var report = Reports.Valid(host, "steam", "IS", "store");
            report.AppVersion = new string('v', appVersionLength);
            return await Reports.CodeOf(() => intake.SubmitReportAsync(new SubmitReportRequest { Report = report }).ResponseAsync);
        }

        Assert.Equal(StatusCode.InvalidArgument, await SubmitAsync(4 * 1024 * 1024 - 1024));
        Assert.Equal(StatusCode.ResourceExhausted, await SubmitAsync(4 * 1024 * 1024 + 1));
        var status = await host.Query().GetStatusAsync(new GetStatusRequest { ServiceId = "steam", Region = "IS" });
        Assert.Equal(0, status.Status.Explanation.Observed);
    }
}
