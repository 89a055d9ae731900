namespace Outage.Host.Security;

/// <summary>The scopes a key may hold.</summary>
public static class Scopes
{
    /// <summary>Submit reports (ReportIntakeService).</summary>
    public const string ReportsWrite = "reports:write";

    /// <summary>Read status, timelines, incidents (StatusQueryService).</summary>
    public const string StatusRead = "status:read";

    /// <summary>Manage the key's own notification subscriptions (NotificationService).</summary>
    public const string NotificationsWrite = "notifications:write";

    /// <summary>Manage the catalog and post statements.</summary>
    public const string Admin = "admin";

    /// <summary>The claim type that carries a scope.</summary>
    public const string ClaimType = "scope";
}
