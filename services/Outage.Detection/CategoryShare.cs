namespace Outage.Detection;

/// <summary>A problem category and its share of the recent reports.</summary>
/// <param name="Category">Category name, as in the catalog (for example <c>login</c>).</param>
/// <param name="Share">Share of recent reports in this category, from 0 to 1.</param>
public readonly record struct CategoryShare(string Category, double Share);
