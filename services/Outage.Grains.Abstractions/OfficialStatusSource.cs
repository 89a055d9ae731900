namespace Outage.Grains.Abstractions;

/// <summary>A status page in the Atlassian Statuspage format that a service publishes about itself.</summary>
/// <param name="Url">Base URL of its API, such as <c>https://status.example.com/api/v2/</c>.</param>
/// <param name="Components">Names of the page's components that are this service; empty for the whole page.</param>
[GenerateSerializer, Immutable, Alias("outage.OfficialStatusSource")]
public sealed record OfficialStatusSource([property: Id(0)] string Url, [property: Id(1)] IReadOnlyList<string> Components)
{
    /// <summary>Structural equality, components compared item by item.</summary>
    public bool Equals(OfficialStatusSource? other) => other is not null && Url == other.Url && Components.SequenceEqual(other.Components);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Url, Components.Count);
}
