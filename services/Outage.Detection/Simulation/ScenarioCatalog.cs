using Outage.Detection.Incidents;

namespace Outage.Detection.Simulation;

/// <summary>The named scenarios: real incident shapes (see the product notes) and normal traffic, with ground truth.</summary>
public static class ScenarioCatalog
{
    private static readonly TimeSpan History = TimeSpan.FromDays(14);
    private static readonly string[] Meta = ["facebook", "instagram", "whatsapp", "messenger"];

    /// <summary>Every scenario, by name.</summary>
    public static IReadOnlyList<Scenario> All { get; } =
    [
        FamilyOutage(), LoginOutage(), Blip(), SlowRamp(), SparseRegion(), ColdStart(), CarrierOutage(), ModestSurges(), Quiet(),
        RepeatedIncidents(), SlowRise(), SparseBurst(),
    ];

    /// <summary>Finds a scenario by name (case-insensitive), or null.</summary>
    public static Scenario? Find(string name) => All.FirstOrDefault(s => s.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Series of very different sizes: Facebook in the US at 30 reports a minute down to Threads in
    /// Luxembourg at one report every two hours.
    /// </summary>
    public static IReadOnlyList<SimulatedSeries> World(DateTimeOffset? coldStartOf = null)
    {
        SimulatedSeries S(string service, string owner, string region, double perMinute, double peakHour = 18) =>
            new(new SeriesKey(service, region), owner, perMinute, PeakHourUtc: peakHour);
        return
        [
            S("facebook", "meta", "US", 30, 20), S("facebook", "meta", "DE", 8, 17), S("facebook", "meta", "NL", 3, 17),
            S("facebook", "meta", "GB", 6, 18), S("facebook", "meta", "BR", 5, 22), S("facebook", "meta", "IN", 4, 13),
            S("instagram", "meta", "US", 15, 21), S("instagram", "meta", "DE", 4, 17), S("instagram", "meta", "NL", 1.5, 17),
            S("instagram", "meta", "GB", 4, 18), S("instagram", "meta", "BR", 4, 22),
            S("whatsapp", "meta", "US", 5, 20), S("whatsapp", "meta", "DE", 6, 17), S("whatsapp", "meta", "NL", 2, 17),
            S("whatsapp", "meta", "GB", 3, 18), S("whatsapp", "meta", "BR", 10, 22), S("whatsapp", "meta", "IN", 8, 13),
            S("messenger", "meta", "US", 6, 20), S("messenger", "meta", "DE", 1.5, 17), S("messenger", "meta", "NL", 0.5, 17),
            S("messenger", "meta", "GB", 1, 18),
            S("threads", "meta", "US", 1, 20), S("threads", "meta", "DE", 0.2, 17), S("threads", "meta", "LU", 1.0 / 120, 17),
            S("telegram", "telegram", "US", 1, 20), S("telegram", "telegram", "DE", 1.5, 17),
            S("x", "x", "US", 8, 20), S("x", "x", "DE", 2, 17),
            S("att", "att", "US", 2.5, 16), S("verizon", "verizon", "US", 2.5, 16),
            new(new SeriesKey("tmobile", "US"), "tmobile", 3, PeakHourUtc: 16, FirstReport: coldStartOf),
        ];
    }

    private static Scenario Make(string name, string description, DateTimeOffset incidentDay, IReadOnlyList<InjectedIncident> incidents, DateTimeOffset? coldStart = null)
    {
        var start = incidentDay - History;
        var seed = name.Aggregate(17, (hash, c) => hash * 31 + c) & 0x7FFFFFFF; // stable across runs, unlike string.GetHashCode
        return new Scenario(name, description, start, incidentDay.AddDays(1) - start, World(coldStart), incidents, seed, start.AddDays(7));
    }

    private static DateTimeOffset Utc(int year, int month, int day, int hour = 0, int minute = 0) => new(year, month, day, hour, minute, 0, TimeSpan.Zero);

    private static Scenario FamilyOutage()
    {
        var onset = Utc(2021, 10, 4, 15, 39);
        return Make("family-outage",
            "2021-10-04: Facebook, Instagram, WhatsApp and Messenger fail together for almost 7 hours in every region; Telegram and X see a collateral rise.",
            Utc(2021, 10, 4),
            [
                new("meta family outage", Meta, ["US", "DE", "NL", "GB", "BR", "IN"], onset, TimeSpan.FromHours(7.2), 150, TimeSpan.FromMinutes(8), TimeSpan.FromMinutes(45)),
                new("collateral on telegram and x", ["telegram", "x"], ["US", "DE"], onset.AddMinutes(20), TimeSpan.FromHours(6), 2.5, TimeSpan.FromMinutes(40), TimeSpan.FromMinutes(60), Collateral: true),
            ]);
    }

    private static Scenario LoginOutage() => Make("login-outage",
        "2024-03-05: Facebook, Instagram, Messenger and Threads fail for 2 hours, 76 % of reports about login.",
        Utc(2024, 3, 5),
        [new("login outage", ["facebook", "instagram", "messenger", "threads"], ["US", "DE", "GB", "BR"], Utc(2024, 3, 5, 15, 0), TimeSpan.FromHours(2.2), 60,
            TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(20), new Dictionary<string, double> { ["login"] = 0.76, ["feed"] = 0.12, ["posting"] = 0.06, ["messages"] = 0.06 })]);

    private static Scenario Blip() => Make("blip",
        "A 10-minute blip on X in the US at eight times the usual volume.",
        Utc(2024, 5, 2),
        [new("10-minute blip", ["x"], ["US"], Utc(2024, 5, 2, 13, 5), TimeSpan.FromMinutes(10), 8, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2))]);

    private static Scenario SlowRamp() => Make("slow-ramp",
        "Verizon in the US ramps from normal to six times normal over 90 minutes, holds an hour, then recovers.",
        Utc(2024, 6, 11),
        [new("slow ramp", ["verizon"], ["US"], Utc(2024, 6, 11, 9, 0), TimeSpan.FromHours(3), 6, TimeSpan.FromMinutes(90), TimeSpan.FromMinutes(30))]);

    private static Scenario SparseRegion() => Make("sparse-region",
        "Threads in Luxembourg (one report every two hours) gets about 40 reports in half an hour.",
        Utc(2024, 7, 9),
        [new("sparse region outage", ["threads"], ["LU"], Utc(2024, 7, 9, 19, 0), TimeSpan.FromMinutes(35), 170, TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(5))]);

    private static Scenario ColdStart() => Make("cold-start",
        "T-Mobile in the US is a new series: its first report comes at midnight and an outage at 20 times normal five hours later.",
        Utc(2024, 2, 22),
        [new("outage on a new series", ["tmobile"], ["US"], Utc(2024, 2, 22, 5, 0), TimeSpan.FromHours(2), 20, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15))],
        coldStart: Utc(2024, 2, 22));

    private static Scenario CarrierOutage() => Make("carrier-outage",
        "2024-02-22: AT&T in the US at hundreds of times its usual volume for 8 hours; Verizon and T-Mobile rise too though they are fine.",
        Utc(2024, 2, 22),
        [
            new("carrier outage", ["att"], ["US"], Utc(2024, 2, 22, 8, 30), TimeSpan.FromHours(8), 400, TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(60)),
            new("collateral on other carriers", ["verizon", "tmobile"], ["US"], Utc(2024, 2, 22, 9, 0), TimeSpan.FromHours(6), 3, TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(60), Collateral: true),
        ]);

    private static Scenario ModestSurges() => Make("modest-surges",
        "Three- and five-fold surges of 30 to 60 minutes on series from busy to quiet: the limit of what crowd reports can tell.",
        Utc(2024, 9, 17),
        [
            new("3x on facebook/DE", ["facebook"], ["DE"], Utc(2024, 9, 17, 2, 0), TimeSpan.FromMinutes(40), 3, TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(5)),
            new("5x on instagram/NL", ["instagram"], ["NL"], Utc(2024, 9, 17, 5, 0), TimeSpan.FromMinutes(40), 5, TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(5)),
            new("3x on whatsapp/GB", ["whatsapp"], ["GB"], Utc(2024, 9, 17, 8, 0), TimeSpan.FromMinutes(40), 3, TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(5)),
            new("5x on messenger/NL", ["messenger"], ["NL"], Utc(2024, 9, 17, 11, 0), TimeSpan.FromMinutes(60), 5, TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(5)),
            new("5x on threads/US", ["threads"], ["US"], Utc(2024, 9, 17, 14, 0), TimeSpan.FromMinutes(40), 5, TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(5)),
            new("3x on threads/DE", ["threads"], ["DE"], Utc(2024, 9, 17, 17, 0), TimeSpan.FromMinutes(60), 3, TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(5)),
            new("5x on telegram/US", ["telegram"], ["US"], Utc(2024, 9, 17, 20, 0), TimeSpan.FromMinutes(40), 5, TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(5)),
        ]);

    private static Scenario Quiet()
    {
        var start = Utc(2024, 1, 1);
        return new Scenario("quiet", "60 days of normal traffic on every series after 14 days of warm-up: the false-alarm rate.",
            start, TimeSpan.FromDays(74), World(), [], 4242, start.AddDays(14));
    }

    // The failures NAB's real data showed in the version-1 engine, one scenario each.

    private static Scenario RepeatedIncidents() => Make("repeated-incidents",
        "Facebook in Germany has a 20x outage every other day for a week, then a 4x one: earlier incidents must not blind the series to the next.",
        Utc(2024, 10, 15),
        [
            new("20x, day 1", ["facebook"], ["DE"], Utc(2024, 10, 9, 12, 0), TimeSpan.FromMinutes(30), 20, TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(5)),
            new("20x, day 3", ["facebook"], ["DE"], Utc(2024, 10, 11, 15, 0), TimeSpan.FromMinutes(30), 20, TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(5)),
            new("20x, day 5", ["facebook"], ["DE"], Utc(2024, 10, 13, 18, 0), TimeSpan.FromMinutes(30), 20, TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(5)),
            new("4x after the others", ["facebook"], ["DE"], Utc(2024, 10, 15, 16, 0), TimeSpan.FromMinutes(40), 4, TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(5)),
        ]);

    private static Scenario SlowRise() => Make("slow-rise",
        "WhatsApp in Germany rises slowly to four times its usual volume over six hours, holds two, then recovers.",
        Utc(2024, 11, 5),
        [new("slow 4x rise", ["whatsapp"], ["DE"], Utc(2024, 11, 5, 6, 0), TimeSpan.FromHours(9), 4, TimeSpan.FromHours(6), TimeSpan.FromMinutes(60))]);

    private static Scenario SparseBurst() => Make("sparse-burst",
        "Threads in Germany (a report every five minutes, zeros in most minutes) rises to twenty times that over six hours.",
        Utc(2024, 12, 3),
        [new("sparse 20x rise", ["threads"], ["DE"], Utc(2024, 12, 3, 4, 0), TimeSpan.FromHours(7), 20, TimeSpan.FromHours(6), TimeSpan.FromMinutes(30))]);
}
