using Outage.Contracts.V1;
using Outage.Grains;
using Outage.Grains.Abstractions;

namespace Outage.Host.Grpc;

/// <summary>
/// Collects the field violations of one request and answers INVALID_ARGUMENT with all of them at once (a
/// google.rpc.BadRequest), in the spirit of grpc-dotnet's <c>examples/Error</c>. The rules shared by several requests
/// (a service of the catalog, a region) live here, each with one message. A mutable struct held in a local: the valid
/// path allocates nothing, and a field's name is built only for a violation.
/// </summary>
/// <param name="prefix">Prepended to every field name, such as <c>report</c> or <c>reports</c>; empty for top-level fields.</param>
/// <param name="index">The item's index under <paramref name="prefix"/> (<c>reports[3]</c>), or -1.</param>
internal struct RequestValidation(string prefix = "", int index = -1)
{
    /// <summary>The message for a missing field.</summary>
    public const string Required = "is required";

    /// <summary>The message for a service id that the catalog does not hold.</summary>
    public const string UnknownService = "is not a service of the catalog (see ListServices)";

    private List<FieldViolation>? _violations;

    /// <summary>The violations found so far (empty when valid).</summary>
    public readonly IReadOnlyList<FieldViolation> Violations => (IReadOnlyList<FieldViolation>?)_violations ?? [];

    /// <summary>Records <paramref name="description"/> against <paramref name="field"/> unless <paramref name="ok"/>.</summary>
    public void Check(bool ok, string field, string description)
    {
        if (!ok)
        {
            // "new RequestValidation()" is the struct's default (index 0, not -1): without a prefix there is no item.
            var item = string.IsNullOrEmpty(prefix) ? "" : index < 0 ? prefix : $"{prefix}[{index}]";
            var name = item.Length == 0 ? field : field.Length == 0 ? item : $"{item}.{field}";
            (_violations ??= []).Add(new FieldViolation { Field = name, Description = description });
        }
    }

    /// <summary>The service <paramref name="serviceId"/> names, or null with a violation (empty is allowed when not <paramref name="required"/>).</summary>
    public ServiceDefinition? Service(ServiceCatalog catalog, string field, string serviceId, bool required = true)
    {
        if (serviceId.Length == 0)
        {
            Check(!required, field, Required);
            return null;
        }

        var service = catalog.Find(serviceId);
        Check(service is not null, field, UnknownService);
        return service;
    }

    /// <summary>Checks an ISO 3166 region (empty is allowed, meaning worldwide, when not <paramref name="required"/>).</summary>
    public void Region(string field, string region, bool required = false)
    {
        if ((required || region.Length > 0) && !Regions.TryValidate(region, out var problem))
        {
            Check(false, field, problem!);
        }
    }

    /// <summary>Throws INVALID_ARGUMENT naming every violation, if there is any.</summary>
    public readonly void ThrowIfInvalid()
    {
        if (_violations is { Count: > 0 })
        {
            RpcErrors.InvalidArgument(_violations);
        }
    }
}
