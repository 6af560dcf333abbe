using Microsoft.Extensions.Logging;
using Robotics.Core.Episodes;

namespace Robotics.Runtime.Loop;

/// <summary>
/// Not real-time. Hands the episode in progress to a chunked sink every <see cref="IChunkedEpisodeSink.FlushInterval"/>,
/// on a pool thread: it copies the rows the loop recorded since the last part (rows below the recorder's
/// count are complete and never change) and writes them as the next part. A failed write is logged and
/// retried with the same part number at the next interval; the loop never waits for it.
/// </summary>
internal sealed class EpisodeFlusher
{
    private readonly TransitionRecorder _recorder;
    private readonly IChunkedEpisodeSink _sink;
    private readonly long _episode;
    private readonly DataSource _source;
    private readonly string _robotId;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _run;
    private int _flushed, _part;

    private EpisodeFlusher(TransitionRecorder recorder, IChunkedEpisodeSink sink, long episode, DataSource source, string robotId,
                           TimeProvider time, ILogger logger)
    {
        _recorder = recorder; _sink = sink; _episode = episode; _source = source; _robotId = robotId; _logger = logger;
        _run = Task.Run(() => RunAsync(time));
    }

    /// <summary>Parts written so far.</summary>
    public int Parts => _part;

    public static EpisodeFlusher Start(TransitionRecorder recorder, IChunkedEpisodeSink sink, long episode, DataSource source,
                                       string robotId, TimeProvider time, ILogger logger) =>
        new(recorder, sink, episode, source, robotId, time, logger);

    /// <summary>Stops flushing and waits for a write in progress; the recorder may be read and cleared after it.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _run.ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task RunAsync(TimeProvider time)
    {
        using var timer = new PeriodicTimer(_sink.FlushInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
                await FlushAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested) { }
    }

    private async Task FlushAsync()
    {
        int to = _recorder.Count;
        if (to == _flushed) return;
        var rows = _recorder.Slice(_episode, _flushed, to, _source, _robotId);
        try
        {
            await _sink.WritePartAsync(_episode, _part, rows, _stop.Token).ConfigureAwait(false);
            _part++;
            _flushed = to;
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested) { }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning("recorder: part {Part} of episode {Episode} not written ({Error}); retrying", _part, _episode, e.Message);
        }
    }
}
