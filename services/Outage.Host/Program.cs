using Outage.Host.Hosting;
using Outage.Host.Security;

// appsettings.json is read from the application's folder whatever the working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
if (OutageHostOptions.From(builder.Configuration).Role == OutageHostOptions.EdgeRole)
{
    builder.AddOutageEdge();
}
else
{
    builder.AddOutageSilo();
}

builder.AddOutageServices();
builder.AddOutageTelemetry();
builder.AddOutageSecurity();

var app = builder.Build();
app.MapOutageEndpoints();
app.MapOutageTelemetry();
app.Run();

/// <summary>The host's entry point (public for WebApplicationFactory in tests).</summary>
public partial class Program;
