using Grpc.Core;
using Outage.Contracts.V1;
using Outage.Grains;

namespace Outage.Host.Grpc;

/// <summary>AdminService (scope admin): official statements, a thin adapter to the status feed grain.</summary>
internal sealed class AdminGrpcService(
    IGrainFactory grains,
    ServiceCatalog catalog,
    [FromKeyedServices(OutageClock.Key)] TimeProvider time) : AdminService.AdminServiceBase
{
    /// <summary>Longest statement text.</summary>
    private const int MaxStatementLength = 2000;

    public override async Task<PostStatementResponse> PostStatement(PostStatementRequest request, ServerCallContext context)
    {
        var violations = new List<FieldViolation>();
        if (catalog.Find(request.ServiceId) is null)
        {
            violations.Add(new FieldViolation { Field = "service_id", Description = "is not a service of the catalog (see ListServices)" });
        }

        if (string.IsNullOrWhiteSpace(request.Text) || request.Text.Length > MaxStatementLength)
        {
            violations.Add(new FieldViolation { Field = "text", Description = $"must be 1 to {MaxStatementLength} characters" });
        }

        if (violations.Count > 0)
        {
            RpcErrors.InvalidArgument(violations);
        }

        var recorded = await grains.GetGrain<IStatusFeedGrain>(0).PostStatementAsync(new StatementView
        {
            ServiceId = request.ServiceId, Text = request.Text.Trim(), PostedAt = time.GetUtcNow(),
            Author = context.GetHttpContext().User.Identity?.Name ?? "",
        });
        return new PostStatementResponse { Statement = recorded.ToProto() };
    }
}
