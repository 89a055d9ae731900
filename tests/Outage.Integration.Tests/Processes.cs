using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Outage.Integration.Tests;

/// <summary>Helpers for real processes on loopback: free ports, the repository, waiting for health.</summary>
internal static class Loopback
{
    private static readonly HashSet<int> Handed = [];

    /// <summary>
    /// A port free now for a process started next. Not one the kernel picks (port 0 would hand out an ephemeral port,
    /// which any outgoing connection of the running hosts, to Redis or another silo, may take before the new process
    /// binds it: a CI run lost a cluster restart to that), and never the same one twice in a run.
    /// </summary>
    public static int FreePort()
    {
        lock (Handed)
        {
            while (true)
            {
                var port = Random.Shared.Next(20_000, 32_000); // below Linux's ephemeral range (32768 and up)
                if (!Handed.Add(port))
                {
                    continue;
                }

                try
                {
                    using var listener = new TcpListener(IPAddress.Loopback, port);
                    listener.Start();
                    return port;
                }
                catch (SocketException)
                {
                    // taken: try another
                }
            }
        }
    }

    /// <summary>The repository root (the folder holding Outage.sln).</summary>
    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Outage.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Outage.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Build configuration of this test assembly (Debug or Release), so the host of the same build is started.</summary>
    public static string Configuration() =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
}

/// <summary>A real redis-server on a free loopback port, with AOF on, in a temporary folder.</summary>
public sealed class RedisServer : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("outage-redis-").FullName;
    private Process? _process;

    public RedisServer()
    {
        Port = Loopback.FreePort();
        Start();
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    public void Start()
    {
        var executable = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("redis-server is not installed: run tools/test.sh, which installs it (apt-get install redis-server).");
        _process = Process.Start(new ProcessStartInfo(executable,
            ["--port", Port.ToString(), "--bind", "127.0.0.1", "--dir", _folder, "--appendonly", "yes", "--save", "", "--protected-mode", "no"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        var until = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < until)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }

        throw new InvalidOperationException("redis-server did not start");
    }

    /// <summary>Stops Redis the way an operator's restart does (SHUTDOWN flushes the AOF).</summary>
    public void Stop()
    {
        if (_process is { HasExited: false })
        {
            Process.Start("kill", ["-TERM", _process.Id.ToString()])!.WaitForExit();
            _process.WaitForExit(10_000);
        }
    }

    /// <summary>Freezes the server (SIGSTOP): connections stay open and nothing answers, as a stalled host or a long fork does.</summary>
    public void Pause() => Signal("-STOP");

    /// <summary>Lets a paused server run again (SIGCONT).</summary>
    public void Resume() => Signal("-CONT");

    private void Signal(string signal) => Process.Start("kill", [signal, _process!.Id.ToString()])!.WaitForExit();

    public void Dispose()
    {
        Resume();
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit();
        }

        Directory.Delete(_folder, recursive: true);
    }
}

/// <summary>One Outage host process (role silo or edge) against a Redis.</summary>
public sealed class HostProcess : IDisposable
{
    private readonly Process _process;
    private readonly string _log;

    public HostProcess(string role, string redis, string clusterId, IReadOnlyDictionary<string, string>? settings = null, bool useTls = false)
    {
        GrpcPort = Loopback.FreePort();
        HttpPort = Loopback.FreePort();
        var root = Loopback.RepositoryRoot();
        var dll = Path.Combine(root, "services", "Outage.Host", "bin", Loopback.Configuration(), "net10.0", "Outage.Host.dll");
        _log = Path.Combine(Path.GetTempPath(), $"outage-{role}-{GrpcPort}.log");
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ConnectionStrings__Redis"] = redis;
        start.Environment["Outage__Role"] = role;
        start.Environment["Orleans__ClusterId"] = clusterId;
        start.Environment["Orleans__SiloPort"] = Loopback.FreePort().ToString();
        start.Environment["Orleans__GatewayPort"] = Loopback.FreePort().ToString();
        start.Environment["Kestrel__Endpoints__Grpc__Url"] = $"{(useTls ? "https" : "http")}://127.0.0.1:{GrpcPort}";
        start.Environment["Kestrel__Endpoints__Http__Url"] = $"http://127.0.0.1:{HttpPort}";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        _process = Process.Start(start)!;
        var writer = new StreamWriter(_log) { AutoFlush = true };
        _process.OutputDataReceived += (_, e) => { lock (writer) { writer.WriteLine(e.Data); } };
        _process.ErrorDataReceived += (_, e) => { lock (writer) { writer.WriteLine(e.Data); } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Role => _process.StartInfo.Environment["Outage__Role"]!;

    public int GrpcPort { get; }

    public int HttpPort { get; }

    public string Address => $"http://127.0.0.1:{GrpcPort}";

    /// <summary>What the process has logged so far (warnings and above).</summary>
    public string LogText()
    {
        using var reader = new StreamReader(new FileStream(_log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        return reader.ReadToEnd();
    }

    public bool HasExited => _process.HasExited;

    /// <summary>How many series grains this process hosts now (its <c>outage_series_active</c> gauge at /metrics).</summary>
    public async Task<long> ActiveSeriesAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var scrape = await http.GetStringAsync($"http://127.0.0.1:{HttpPort}/metrics");
        var sample = System.Text.RegularExpressions.Regex.Match(scrape, @"(?m)^outage_series_active(\{[^}]*\})? (?<value>\S+)");
        return sample.Success ? (long)double.Parse(sample.Groups["value"].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    /// <summary>Waits until /healthz answers.</summary>
    public async Task WaitHealthyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"host exited with {_process.ExitCode}; log {_log}:\n{File.ReadAllText(_log)}");
            }

            try
            {
                if ((await http.GetAsync($"http://127.0.0.1:{HttpPort}/healthz")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"host on {GrpcPort} not healthy after {timeout}; log {_log}");
    }

    /// <summary>SIGKILL: the process dies at once, mid-request.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>SIGTERM: graceful shutdown; waits for the exit.</summary>
    public void Terminate(TimeSpan timeout)
    {
        Process.Start("kill", ["-TERM", _process.Id.ToString()])!.WaitForExit();
        if (!_process.WaitForExit(timeout))
        {
            throw new TimeoutException($"host on {GrpcPort} did not exit within {timeout} of SIGTERM");
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }
}
