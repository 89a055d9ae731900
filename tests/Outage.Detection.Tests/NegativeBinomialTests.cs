namespace Outage.Detection.Tests;

public class NegativeBinomialTests
{
    [Fact]
    public void EvidenceIsZeroAtOrBelowExpected()
    {
        Assert.Equal(0, NegativeBinomial.SurgeEvidence(5, 10, 0.1));
        Assert.Equal(0, NegativeBinomial.SurgeEvidence(10, 10, 0.1));
    }

    [Fact]
    public void EvidenceGrowsWithObservedAndShrinksWithDispersion()
    {
        var poisson = NegativeBinomial.SurgeEvidence(30, 10, 0);
        Assert.True(NegativeBinomial.SurgeEvidence(40, 10, 0) > poisson);
        Assert.True(NegativeBinomial.SurgeEvidence(30, 10, 0.5) < poisson);
        // Poisson rate function: x ln(x/m) - (x - m).
        Assert.Equal(30 * Math.Log(3) - 20, poisson, 9);
    }

    [Fact]
    public void EvidenceIsAnUpperBoundOnThePoissonTail()
    {
        // P(X >= 25 | mean 10) is about 8.1e-5; the Chernoff bound exp(-evidence) must not be below it.
        var evidence = NegativeBinomial.SurgeEvidence(25, 10, 0);
        Assert.True(Math.Exp(-evidence) >= 8.1e-5);
        Assert.True(evidence > 5);
    }

    [Fact]
    public void EvidenceStaysFiniteForMillionsOfReports()
    {
        var evidence = NegativeBinomial.SurgeEvidence(5_000_000, 30, 0.05);
        Assert.True(double.IsFinite(evidence) && evidence > 1000);
    }
}
