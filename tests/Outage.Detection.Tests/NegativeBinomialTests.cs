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

    [Fact]
    public void TailEvidenceIsTheExactPoissonTailForSmallCounts()
    {
        // P(X >= 15 | mean 0.5) = 1.4611e-17 (the pmf summed from 15 up); the Chernoff bound says only e^-36.5.
        var exact = NegativeBinomial.TailEvidence(15, 0.5, 0);
        Assert.Equal(-Math.Log(1.4611e-17), exact, 3);
        Assert.True(exact > NegativeBinomial.SurgeEvidence(15, 0.5, 0) + 2);
    }

    [Fact]
    public void TailEvidenceOfTheNegativeBinomialMatchesADirectSum()
    {
        // Direct sum of the NB pmf (mean 2, φ = 0.5, so shape 2 and p = 0.5) from 12 up.
        double pmf = Math.Pow(0.5, 2), tail = 0;
        for (var k = 0; k < 400; k++)
        {
            if (k >= 12)
            {
                tail += pmf;
            }

            pmf *= (k + 2.0) / (k + 1) * 0.5;
        }

        Assert.Equal(-Math.Log(tail), NegativeBinomial.TailEvidence(12, 2, 0.5), 6);
    }

    [Fact]
    public void LogGammaMatchesFactorials()
    {
        Assert.Equal(Math.Log(3628800), NegativeBinomial.LogGamma(11), 9);
        Assert.Equal(0.5 * Math.Log(Math.PI), NegativeBinomial.LogGamma(0.5), 9);
    }

    [Fact]
    public void TheShiftRatioDriftsDownAtTheUsualVolumeAndUpAtTheShiftedOne()
    {
        Assert.True(NegativeBinomial.ShiftLogLikelihoodRatio(10, 10, 0.1, 3) < 0);
        Assert.True(NegativeBinomial.ShiftLogLikelihoodRatio(30, 10, 0.1, 3) > 0);
        Assert.Equal(30 * Math.Log(3) - 20, NegativeBinomial.ShiftLogLikelihoodRatio(30, 10, 0, 3), 9);
    }
}
