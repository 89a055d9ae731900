using Outage.Detection;
using Outage.Grains.Abstractions;

namespace Outage.Grains.Tests;

public class SeriesOptionsTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(60)]
    [InlineData(600)]
    public void EveryBucketWidthFromASecondToTenMinutesGivesSettingsTheDetectorAccepts(int seconds)
    {
        var options = new SeriesOptions { BucketWidth = TimeSpan.FromSeconds(seconds) };

        var settings = options.DetectorSettings(minDistinctReporters: 10);

        _ = new SeriesDetector(settings); // throws on settings it cannot run with
        Assert.True(settings.RingLength <= 512);
        Assert.Equal(TimeSpan.FromSeconds(seconds), settings.BucketWidth);
    }

    [Fact]
    public void FiveSecondBucketsKeepTheWindowsThatFitTheRing()
    {
        var settings = new SeriesOptions { BucketWidth = TimeSpan.FromSeconds(5) }.DetectorSettings(10);

        Assert.Equal([1, 2, 5, 10, 15, 30], settings.ScanWindows.Select(w => w.TotalMinutes));
        Assert.Equal(TimeSpan.FromMinutes(15), settings.ExplanationWindow);
    }

    [Fact]
    public void TheDefaultWindowsStayForMinuteBuckets() =>
        Assert.Equal(new DetectorSettings().ScanWindows, new SeriesOptions().DetectorSettings(10).ScanWindows);

    [Fact]
    public void SettingsTheDetectorCannotRunWithAreRejectedWithTheirName()
    {
        var result = new SeriesOptionsValidator().Validate(null, new SeriesOptions { BucketWidth = TimeSpan.FromHours(2) });

        Assert.True(result.Failed);
        Assert.Contains("Outage:Series: BucketWidth must be between 0 and 1 hour", result.FailureMessage);
        Assert.True(new SeriesOptionsValidator().Validate(null, new SeriesOptions()).Succeeded);
    }
}
