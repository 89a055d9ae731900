using System.Text.RegularExpressions;
using Grpc.Core;
using Outage.Contracts.V1;
using Outage.Grains;
using Outage.Grains.Abstractions;

namespace Outage.Host.Grpc;

/// <summary>AdminService (scope admin): official statements and the catalog, a thin adapter to the status feed, incident log and catalog grains.</summary>
internal sealed partial class AdminGrpcService(
    IGrainFactory grains,
    ServiceCatalog catalog,
    [FromKeyedServices(OutageClock.Key)] TimeProvider time) : AdminService.AdminServiceBase
{
    /// <summary>Longest statement text.</summary>
    private const int MaxStatementLength = 2000;

    /// <summary>Minimum distinct reporters a service gets when the request leaves it at 0.</summary>
    private const int DefaultMinDistinctReporters = 10;

    /// <summary>The fields of <see cref="Service"/> an update mask may name.</summary>
    private static readonly Dictionary<string, ServiceFields> MaskFields = new(StringComparer.Ordinal)
    {
        ["display_name"] = ServiceFields.DisplayName,
        ["owner"] = ServiceFields.Owner,
        ["categories"] = ServiceFields.Categories,
        ["min_distinct_reporters"] = ServiceFields.MinDistinctReporters,
        ["false_alarms_per_30_days"] = ServiceFields.FalseAlarmsPer30Days,
        ["official_source"] = ServiceFields.OfficialSource,
    };

    private ICatalogGrain Catalog => grains.GetGrain<ICatalogGrain>(0);

    public override async Task<PostStatementResponse> PostStatement(PostStatementRequest request, ServerCallContext context)
    {
        var v = new RequestValidation();
        v.Service(catalog, "service_id", request.ServiceId);
        v.Check(!string.IsNullOrWhiteSpace(request.Text) && request.Text.Length <= MaxStatementLength, "text", $"must be 1 to {MaxStatementLength} characters");
        if (request.IncidentId.Length > 0)
        {
            var incident = request.IncidentId.Length <= 200 ? await grains.GetGrain<IIncidentLogGrain>(0).GetAsync(request.IncidentId) : null;
            v.Check(incident is not null && incident[0].Services.Contains(request.ServiceId), "incident_id", "is not an incident of the service (see ListIncidents)");
        }

        v.ThrowIfInvalid();

        var recorded = await grains.GetGrain<IStatusFeedGrain>(0).PostStatementAsync(new StatementView
        {
            ServiceId = request.ServiceId, Text = request.Text.Trim(), PostedAt = time.GetUtcNow(), IncidentId = request.IncidentId,
            Author = context.GetHttpContext().User.Identity?.Name ?? "",
        });
        return new PostStatementResponse { Statement = recorded.ToProto() };
    }

    public override async Task<CreateServiceResponse> CreateService(CreateServiceRequest request, ServerCallContext context)
    {
        var service = Validated(request.Service, ServiceFields.All);
        var changed = await Catalog.CreateAsync(service);
        if (changed is null)
        {
            throw new RpcException(new Status(StatusCode.AlreadyExists, $"A service '{service.Id}' exists (see UpdateService)."));
        }

        catalog.Apply(changed);
        return new CreateServiceResponse { Service = catalog.Find(service.Id)!.ToProto() };
    }

    public override async Task<UpdateServiceResponse> UpdateService(UpdateServiceRequest request, ServerCallContext context)
    {
        var fields = ServiceFields.None;
        foreach (var path in request.UpdateMask?.Paths ?? [])
        {
            if (!MaskFields.TryGetValue(path, out var field))
            {
                RpcErrors.InvalidArgument("update_mask", $"names '{path}', which is not one of {string.Join(", ", MaskFields.Keys)}");
            }

            fields |= field;
        }

        var update = Validated(request.Service, fields == ServiceFields.None ? ServiceFields.All : fields);
        var changed = await Catalog.UpdateAsync(update, fields == ServiceFields.None ? ServiceFields.All : fields);
        if (changed is null)
        {
            RpcErrors.NotFound($"No service '{update.Id}' (see ListServices).");
        }

        catalog.Apply(changed);
        return new UpdateServiceResponse { Service = changed.Services.First(s => s.Id == update.Id).ToProto() };
    }

    public override async Task<DeleteServiceResponse> DeleteService(DeleteServiceRequest request, ServerCallContext context)
    {
        if (!IsName(request.ServiceId))
        {
            RpcErrors.InvalidArgument("service_id", NameRule);
        }

        var changed = await Catalog.DeleteAsync(request.ServiceId);
        if (changed is null)
        {
            RpcErrors.NotFound($"No service '{request.ServiceId}' (see ListServices).");
        }

        catalog.Apply(changed);
        return new DeleteServiceResponse();
    }

    /// <summary>The service as a catalog entry, after checking the <paramref name="fields"/> being written (and always the id).</summary>
    private static ServiceDefinition Validated(Service? service, ServiceFields fields)
    {
        if (service is null)
        {
            RpcErrors.InvalidArgument("service", RequestValidation.Required);
        }

        var v = new RequestValidation("service");
        // Only the fields being written are checked (the id always).
        void Check(bool ok, ServiceFields field, string name, string rule) => v.Check(ok || (field != ServiceFields.None && !fields.HasFlag(field)), name, rule);

        Check(IsName(service.ServiceId), ServiceFields.None, "service_id", NameRule);
        Check(service.DisplayName.Trim().Length is >= 1 and <= 100 && !service.DisplayName.Any(char.IsControl), ServiceFields.DisplayName, "display_name", "must be 1 to 100 printable characters");
        Check(IsName(service.Owner), ServiceFields.Owner, "owner", NameRule);
        Check(service.Categories.Count is >= 1 and <= 32, ServiceFields.Categories, "categories", "must hold 1 to 32 categories");
        for (var i = 0; i < service.Categories.Count; i++)
        {
            Check(IsName(service.Categories[i]) && service.Categories.IndexOf(service.Categories[i]) == i, ServiceFields.Categories, $"categories[{i}]", NameRule + ", once");
        }

        Check(service.MinDistinctReporters is >= 0 and <= 100_000, ServiceFields.MinDistinctReporters, "min_distinct_reporters", "must be 1 to 100,000 (0 for the default of 10)");
        Check(double.IsFinite(service.FalseAlarmsPer30Days) && service.FalseAlarmsPer30Days is >= 0 and <= 100, ServiceFields.FalseAlarmsPer30Days, "false_alarms_per_30_days", "must be 0 (the cluster's setting) to 100");
        if (service.OfficialSource is { } source)
        {
            Check(source.Url.Length <= 2000 && Uri.TryCreate(source.Url, UriKind.Absolute, out var url) && url.Scheme is "https" or "http" && url.UserInfo.Length == 0,
                ServiceFields.OfficialSource, "official_source.url", "must be an absolute http(s) URL of at most 2,000 characters, such as https://status.example.com/api/v2/");
            Check(source.Components.Count <= 32 && source.Components.All(c => c.Trim().Length is >= 1 and <= 200 && !c.Any(char.IsControl)),
                ServiceFields.OfficialSource, "official_source.components", "must hold at most 32 component names of 1 to 200 printable characters");
        }

        v.ThrowIfInvalid();

        return new ServiceDefinition(service.ServiceId, service.DisplayName.Trim(), service.Owner, service.Categories.ToArray(),
            service.MinDistinctReporters == 0 ? DefaultMinDistinctReporters : service.MinDistinctReporters)
        {
            FalseAlarmsPer30Days = service.FalseAlarmsPer30Days,
            OfficialSource = service.OfficialSource is { Url.Length: > 0 } s ? new Grains.Abstractions.OfficialStatusSource(s.Url, s.Components.Select(c => c.Trim()).ToArray()) : null,
        };
    }

    public override async Task<GetOfficialSourceResponse> GetOfficialSource(GetOfficialSourceRequest request, ServerCallContext context)
    {
        var v = new RequestValidation();
        var service = v.Service(catalog, "service_id", request.ServiceId);
        v.ThrowIfInvalid();
        if (service!.OfficialSource is not { } source || await grains.GetGrain<IOfficialStatusGrain>(service.Id).GetAsync() is not { } official)
        {
            RpcErrors.NotFound($"Service '{service.Id}' has no official status source (set official_source with UpdateService).");
            return null!;
        }

        return official.ToProto(source);
    }

    private const string NameRule = "must be 1 to 64 lower case letters, digits and dashes, starting and ending with a letter or digit";

    private static bool IsName(string value) => NamePattern().IsMatch(value);

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
