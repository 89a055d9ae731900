# syntax=docker/dockerfile:1
# The Outage host (both roles: Outage__Role=silo|edge). Multi-stage: the SDK restores and publishes, the
# runtime image carries only the published app and runs as a non-root numeric user.
# Build: docker build -t outage:dev .      (no container engine on the development machine: untested here)

FROM mcr.microsoft.com/dotnet/sdk:10.0.401-noble AS build
WORKDIR /src
# Restore first, from the project files only, so that the layer is reused while only code changes.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY protos/ protos/
COPY services/Outage.Detection/Outage.Detection.csproj services/Outage.Detection/
COPY services/Outage.Contracts/Outage.Contracts.csproj services/Outage.Contracts/
COPY services/Outage.Grains.Abstractions/Outage.Grains.Abstractions.csproj services/Outage.Grains.Abstractions/
COPY services/Outage.Grains/Outage.Grains.csproj services/Outage.Grains/
COPY services/Outage.Host/Outage.Host.csproj services/Outage.Host/
RUN dotnet restore services/Outage.Host/Outage.Host.csproj
COPY services/ services/
RUN dotnet publish services/Outage.Host/Outage.Host.csproj -c Release --no-restore -o /app /p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0.12-noble-chiseled AS runtime
WORKDIR /app
COPY --from=build /app ./
# Listen on every interface inside the container (appsettings.json binds loopback for local runs).
ENV Kestrel__Endpoints__Grpc__Url=http://0.0.0.0:5080 \
    Kestrel__Endpoints__Http__Url=http://0.0.0.0:5081 \
    Orleans__ListenOnAnyHostAddress=true \
    DOTNET_gcServer=1
EXPOSE 5080 5081 11111 30000
# The same numeric user as the Kubernetes securityContext; the chiseled image has no shell and no root tools.
USER 10001:10001
ENTRYPOINT ["dotnet", "Outage.Host.dll"]
