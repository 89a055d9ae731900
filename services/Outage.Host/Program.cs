using Outage.Host.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddOutageCluster();
builder.AddOutageServices();

var app = builder.Build();
app.MapOutageEndpoints();
app.Run();

/// <summary>The host's entry point (public for WebApplicationFactory in tests).</summary>
public partial class Program;
