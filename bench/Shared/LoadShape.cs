using Google.Protobuf.WellKnownTypes;
using Outage.Contracts.V1;

namespace Outage.Bench;

/// <summary>The series and reports the benchmark tools send: shared so that every tool loads the same shape.</summary>
internal static class LoadShape
{
    private static readonly string[] Services = ["facebook", "instagram", "whatsapp", "messenger", "x", "youtube", "gmail", "discord", "steam", "telegram"];
    private static readonly string[] Countries = ["US", "DE", "NL", "GB", "BR", "IN", "FR", "JP", "SE", "PL"];

    /// <summary>
    /// <paramref name="count"/> distinct (service, region) series: the first 100 are countries; beyond that,
    /// subdivisions ("US-0A1"), so that tens of thousands of distinct series exist.
    /// </summary>
    public static (string Service, string Region)[] SeriesKeys(int count) => Enumerable.Range(0, count).Select(i =>
    {
        var country = Countries[i / Services.Length % Countries.Length];
        var block = i / (Services.Length * Countries.Length);
        return (Services[i % Services.Length], block == 0 ? country : $"{country}-{Convert.ToString(block, 16).ToUpperInvariant()}");
    }).ToArray();

    /// <summary>Report number <paramref name="n"/> of run <paramref name="run"/>: a new report id and a new device every time.</summary>
    public static Report NewReport(string run, long n, (string Service, string Region) series) => new()
    {
        ReportId = $"{run}-{n}", DeviceId = $"{run}-d{n}", ServiceId = series.Service, Region = series.Region, Category = "login",
        OccurredAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow), Platform = Platform.Partner,
    };
}
