using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Robotics.Runtime.Service;

/// <summary>
/// What asks for a hot reload besides POST /reload: SIGHUP (the usual "re-read your files" signal, e.g.
/// <c>systemctl reload robotics</c>) and, with <see cref="ReloadOptions.Watch"/>, the model file changing on disk
/// (debounced: the file must stay unchanged for half a second, so a copy in progress is not loaded). Not real-time.
/// </summary>
public sealed class ReloadTriggers(ModelReloader reloader, ServiceOptions options, ServiceState state, string modelPath,
                                   ILogger<ReloadTriggers> logger) : BackgroundService
{
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(500);
    private readonly SemaphoreSlim _requests = new(0);
    private string _trigger = "";

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        using PosixSignalRegistration hup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, c =>
        {
            c.Cancel = true;   // SIGHUP would end the process
            Request("SIGHUP");
        });
        using FileSystemWatcher? watcher = options.Reload.Watch ? Watch() : null;
        try
        {
            while (true)
            {
                await _requests.WaitAsync(stop).ConfigureAwait(false);
                if (_trigger == "file")
                {
                    // Wait until the file has stopped changing.
                    DateTime last;
                    do
                    {
                        last = File.GetLastWriteTimeUtc(modelPath);
                        await Task.Delay(Debounce, stop).ConfigureAwait(false);
                    } while (File.GetLastWriteTimeUtc(modelPath) != last);
                }
                while (_requests.CurrentCount > 0) await _requests.WaitAsync(stop).ConfigureAwait(false);   // one reload for a burst
                if (state.Phase != ServicePhase.Running) continue;
                await reloader.ReloadAsync(modelPath, _trigger, stop).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
    }

    private void Request(string trigger)
    {
        _trigger = trigger;
        _requests.Release();
    }

    private FileSystemWatcher? Watch()
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(modelPath));
        if (dir is null || !Directory.Exists(dir)) return null;
        var w = new FileSystemWatcher(dir, Path.GetFileName(modelPath))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        w.Changed += (_, _) => Request("file");
        w.Created += (_, _) => Request("file");
        w.Renamed += (_, _) => Request("file");
        w.Error += (_, e) => logger.LogWarning(7013, "reload: file watch error: {Error}", e.GetException().Message);
        w.EnableRaisingEvents = true;
        return w;
    }
}
