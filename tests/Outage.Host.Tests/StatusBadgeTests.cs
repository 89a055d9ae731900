using System.Xml.Linq;
using Outage.Detection;
using Outage.Host.Public;

namespace Outage.Host.Tests;

/// <summary>The badge for every level: the words, the colour, and an SVG wide enough for its text.</summary>
public sealed class StatusBadgeTests
{
    [Theory]
    [InlineData(DisruptionLevel.Normal, "no problems", "1a7f37")]
    [InlineData(DisruptionLevel.Elevated, "possible problems", "7d4e00")]
    [InlineData(DisruptionLevel.Disrupted, "problems", "bc4c00")]
    [InlineData(DisruptionLevel.Outage, "outage", "cf222e")]
    public void EachLevelHasItsWordsAndColour(DisruptionLevel level, string words, string colour)
    {
        var summary = new ServiceSummary("WhatsApp", level, []);
        Assert.Equal(new ShieldsEndpoint(1, "whatsapp", words, colour), StatusBadge.Shields(summary));

        var svg = XDocument.Parse(StatusBadge.Svg(summary)).Root!;
        XNamespace s = "http://www.w3.org/2000/svg";
        Assert.Equal($"whatsapp: {words}", svg.Element(s + "title")!.Value);
        var rects = svg.Descendants(s + "rect").ToList();
        Assert.Contains(rects, r => (string?)r.Attribute("fill") == "#" + colour);
        // Each half is at least as wide as its text at about 6 px a character (Verdana 11 px is 6 to 7 on average).
        var message = rects.Single(r => (string?)r.Attribute("fill") == "#" + colour);
        Assert.True(int.Parse((string)message.Attribute("width")!) >= words.Length * 6 + 10);
    }

    [Fact]
    public void ARegionalOutageIsNamedWhenWorldwideIsCalmer()
    {
        Assert.Equal("outage in FR", new ServiceSummary("Facebook", DisruptionLevel.Outage, ["FR"]).Message);
        Assert.Equal("problems in 3 regions", new ServiceSummary("Facebook", DisruptionLevel.Disrupted, ["DE", "FR", "IT"]).Message);
    }
}
