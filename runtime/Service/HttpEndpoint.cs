using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Robotics.Runtime.Service;

/// <summary>
/// The service's HTTP side on <see cref="ServiceOptions.Http"/>, over the framework's <see cref="HttpListener"/>
/// (no ASP.NET in a robot's runtime): <c>GET /health/live</c>, <c>GET /health/ready</c> (also <c>/health</c>),
/// <c>GET /metrics</c>, <c>POST /reload[?model=PATH]</c> and <c>POST /reload/rollback</c>. Health answers 200
/// (healthy, degraded) or 503 (unhealthy) with a JSON body. Not real-time: its own threads, never the loop's.
/// </summary>
public sealed class HttpEndpoint(ServiceOptions options, ServiceState state, HealthCheck health, RobotService robot,
                                 ModelReloader reloader, ILogger<HttpEndpoint> logger) : BackgroundService
{
    private readonly HttpListener _listener = new();

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        IPEndPoint ep = options.HttpEndPoint!;
        string host = ep.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{ep.Address}]" : ep.Address.ToString();
        _listener.Prefixes.Add($"http://{host}:{ep.Port}/");
        try { _listener.Start(); }
        catch (HttpListenerException e) { throw new InvalidOperationException($"--http {options.Http}: cannot listen ({e.Message})", e); }
        ServiceLog.HttpListening(logger, $"{host}:{ep.Port}");
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        using CancellationTokenRegistration stopping = stop.Register(() => _listener.Stop());
        while (!stop.IsCancellationRequested)
        {
            HttpListenerContext ctx;
            try { ctx = await _listener.GetContextAsync().ConfigureAwait(false); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { break; }
            _ = Task.Run(() => HandleAsync(ctx, stop), CancellationToken.None);
        }
    }

    private async Task HandleAsync(HttpListenerContext ctx, CancellationToken stop)
    {
        HttpListenerResponse res = ctx.Response;
        try
        {
            string path = ctx.Request.Url?.AbsolutePath.TrimEnd('/') ?? "";
            string method = ctx.Request.HttpMethod;
            (int code, string type, string body) = (method, path) switch
            {
                ("GET", "/health/live") => Health(health.Live()),
                ("GET", "/health/ready" or "/health") => Health(health.Ready()),
                ("GET", "/metrics") => (200, PrometheusExposition.ContentType, PrometheusExposition.Write(state, health, robot.Recording)),
                ("POST", "/reload") => Reload(await reloader.ReloadAsync(ctx.Request.QueryString["model"], "POST /reload", stop).ConfigureAwait(false)),
                ("POST", "/reload/rollback") => Reload(await reloader.RollbackAsync(stop).ConfigureAwait(false)),
                (_, "/health/live" or "/health/ready" or "/health" or "/metrics" or "/reload" or "/reload/rollback") => (405, "text/plain", "method not allowed\n"),
                _ => (404, "text/plain", "not found: try /health/live, /health/ready, /metrics, POST /reload\n"),
            };
            byte[] bytes = Encoding.UTF8.GetBytes(body);
            res.StatusCode = code;
            res.ContentType = type;
            res.ContentLength64 = bytes.Length;
            await res.OutputStream.WriteAsync(bytes, stop).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpListenerException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            logger.LogDebug("http: {Error}", e.Message);
        }
        finally
        {
            try { res.Close(); } catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { }
        }
    }

    private static (int, string, string) Health(HealthReport r) => (r.HttpStatus, "application/json", r.ToJson() + "\n");

    private static (int, string, string) Reload(ReloadResult r) =>
        (r.Swapped ? 200 : 409, "application/json",
         JsonSerializer.Serialize(new Dictionary<string, object?> { ["result"] = r.Swapped ? "swapped" : "refused", ["detail"] = r.Detail, ["digest"] = r.Digest }) + "\n");

    public override void Dispose()
    {
        base.Dispose();
        ((IDisposable)_listener).Dispose();
    }
}
