using Microsoft.Extensions.Logging;
using Polly;
using Robotics.Drivers.Common;
using Robotics.Drivers.Resilience;

namespace Robotics.Drivers.Serial;

/// <summary>
/// Both ends of the serial protocol use one of these: a reader thread that decodes frames, a writer
/// thread that numbers, encodes and writes them, a heartbeat, and reopening of a vanished device through
/// the Polly pipeline. Posting is non-blocking and allocation-free: the latest-wins slot (states one
/// way, commands the other) is overwritten when the writer has not sent it yet; control frames (spec,
/// e-stop, status) queue in a small preallocated ring and go first.
/// </summary>
public sealed class SerialLink : IDisposable
{
    private const int ControlSlots = 8;

    private readonly SerialLinkOptions _options;
    private readonly FrameHandler _onFrame;
    private readonly DriverCounters _counters;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline _reopen;
    private readonly FrameDecoder _decoder;
    private readonly CancellationTokenSource _stop = new();
    private readonly object _gate = new();

    // Outbox, guarded by _gate.
    private readonly byte[] _latest = new byte[FrameCodec.MaxPayload];
    private int _latestLength = -1;
    private FrameType _latestType;
    private long _latestTimestamp;
    private int _latestTtlMs;
    private readonly byte[][] _control = Enumerable.Range(0, ControlSlots).Select(_ => new byte[FrameCodec.MaxPayload]).ToArray();
    private readonly int[] _controlLength = new int[ControlSlots];
    private readonly FrameType[] _controlType = new FrameType[ControlSlots];
    private int _controlHead, _controlCount;

    private volatile ISerialTransport? _transport;
    private volatile bool _faulted;
    private Thread? _reader, _writer;
    private uint _sendSeq;
    private long _lastReceived;
    private volatile LinkStatus _status = LinkStatus.Online;

    public SerialLink(SerialLinkOptions options, FrameHandler onFrame, DriverCounters counters, TimeProvider time, ILogger logger)
    {
        _options = options.Validate();
        _onFrame = onFrame;
        _counters = counters;
        _time = time;
        _logger = logger;
        _decoder = new FrameDecoder(counters);
        _reopen = ReconnectPipeline.Create(options.Reopen, time, logger, $"serial {options.PortPath}");
    }

    public bool IsOpen => _transport is not null && !_faulted;
    public string Description => _transport?.Description ?? _options.PortPath;

    /// <summary>True while a frame arrived within three heartbeat periods.</summary>
    public bool PeerAlive
    {
        get
        {
            long last = Interlocked.Read(ref _lastReceived);
            return last != 0 && _time.GetElapsedTime(last) < _options.HeartbeatPeriod * 3;
        }
    }

    /// <summary>The status our heartbeats carry.</summary>
    public LinkStatus Status { get => _status; set => _status = value; }

    /// <summary>Opens the device (retrying through the pipeline until <paramref name="ct"/> fires) and starts the threads.</summary>
    public async Task OpenAsync(CancellationToken ct)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _stop.Token);
        _transport = await _reopen.ExecuteAsync(static (o, _) => ValueTask.FromResult(SerialTransports.Open(o.PortPath, o.Baud, o.Io)), _options, linked.Token);
        _logger.LogInformation("serial: opened {Port}", _transport.Description);
        _reader = new Thread(ReadLoop) { IsBackground = true, Name = "serial-read " + _options.PortPath, Priority = ThreadPriority.AboveNormal };
        _writer = new Thread(WriteLoop) { IsBackground = true, Name = "serial-write " + _options.PortPath, Priority = ThreadPriority.AboveNormal };
        _reader.Start();
        _writer.Start();
    }

    /// <summary>
    /// Hot path, non-blocking, allocation-free. Queues the latest state or command, replacing one not yet
    /// written. <paramref name="ttlMs"/> &gt; 0 drops it when the writer gets to it later than that.
    /// </summary>
    public void PostLatest(FrameType type, ReadOnlySpan<byte> payload, int ttlMs = 0)
    {
        lock (_gate)
        {
            payload.CopyTo(_latest);
            _latestLength = payload.Length;
            _latestType = type;
            _latestTimestamp = _time.GetTimestamp();
            _latestTtlMs = ttlMs;
            Monitor.Pulse(_gate);
        }
    }

    /// <summary>Non-blocking. Queues a control frame (spec, e-stop...); false when the ring is full.</summary>
    public bool PostControl(FrameType type, ReadOnlySpan<byte> payload)
    {
        lock (_gate)
        {
            if (_controlCount == ControlSlots) return false;
            int slot = (_controlHead + _controlCount++) % ControlSlots;
            payload.CopyTo(_control[slot]);
            _controlLength[slot] = payload.Length;
            _controlType[slot] = type;
            Monitor.Pulse(_gate);
            return true;
        }
    }

    private void WriteLoop()
    {
        Span<byte> payload = stackalloc byte[FrameCodec.MaxPayload];
        Span<byte> wire = new byte[FrameCodec.MaxWireLength];
        long nextHeartbeat = 0;
        var ct = _stop.Token;
        while (!ct.IsCancellationRequested)
        {
            FrameType type = default;
            int length = -1;
            lock (_gate)
            {
                if (_controlCount == 0 && _latestLength < 0)
                {
                    long wait = nextHeartbeat - _time.GetTimestamp();
                    if (wait > 0) Monitor.Wait(_gate, TimeSpan.FromSeconds((double)wait / _time.TimestampFrequency));
                }
                if (_controlCount > 0)
                {
                    int slot = _controlHead;
                    _controlHead = (_controlHead + 1) % ControlSlots;
                    _controlCount--;
                    type = _controlType[slot];
                    length = _controlLength[slot];
                    _control[slot].AsSpan(0, length).CopyTo(payload);
                }
                else if (_latestLength >= 0)
                {
                    type = _latestType;
                    length = _latestLength;
                    _latest.AsSpan(0, length).CopyTo(payload);
                    _latestLength = -1;
                    if (_latestTtlMs > 0 && _time.GetElapsedTime(_latestTimestamp).TotalMilliseconds > _latestTtlMs)
                    {
                        _counters.Inc(ref _counters._commandsDropped);
                        length = -1;
                    }
                }
            }
            if (length < 0)
            {
                if (_time.GetTimestamp() < nextHeartbeat) continue;
                type = FrameType.Heartbeat;
                payload[0] = (byte)_status;
                length = 1;
            }
            if (type == FrameType.Heartbeat)
                nextHeartbeat = _time.GetTimestamp() + (long)(_options.HeartbeatPeriod.TotalSeconds * _time.TimestampFrequency);
            var transport = _transport;
            if (transport is null || _faulted)
            {
                if (type == FrameType.Command) _counters.Inc(ref _counters._commandsDropped);
                ct.WaitHandle.WaitOne(10);
                continue;
            }
            int n = FrameCodec.Encode(type, _sendSeq++, payload[..length], wire);
            try
            {
                transport.Write(wire[..n]);
                if (type == FrameType.Command) _counters.Inc(ref _counters._commandsSent);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Any failure of the device (gone, timed out, unsupported) faults the link; the reader reopens it.
                if (type == FrameType.Command) _counters.Inc(ref _counters._commandsDropped);
                Fault(e);
            }
        }
    }

    private void ReadLoop()
    {
        var buffer = new byte[4096];
        var ct = _stop.Token;
        FrameHandler onFrame = OnFrame;
        while (!ct.IsCancellationRequested)
        {
            var transport = _transport;
            if (transport is null || _faulted)
            {
                Reopen(transport, ct);
                continue;
            }
            try
            {
                int n = transport.Read(buffer);
                if (n > 0) _decoder.Feed(buffer.AsSpan(0, n), onFrame);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                if (ct.IsCancellationRequested) return;
                Fault(e);
                ct.WaitHandle.WaitOne(10);
            }
        }
    }

    private void OnFrame(FrameType type, uint seq, ReadOnlySpan<byte> payload)
    {
        Interlocked.Exchange(ref _lastReceived, _time.GetTimestamp());
        try { _onFrame(type, seq, payload); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A bug in a handler must not kill the reader thread (and with it the robot link).
            _counters.Inc(ref _counters._framesDropped);
            _logger.LogError("serial: handling a {Type} frame failed: {Error}", type, e.Message);
        }
    }

    private void Fault(Exception e)
    {
        if (_faulted) return;
        _faulted = true;
        _counters.Inc(ref _counters._disconnects);
        _logger.LogWarning("serial: {Port} failed ({Error}); reopening", _options.PortPath, e.Message);
    }

    /// <summary>Reader thread: closes the dead transport (abandoning a hanging close) and reopens through the pipeline.</summary>
    private void Reopen(ISerialTransport? dead, CancellationToken ct)
    {
        if (dead is not null && !dead.Close(TimeSpan.FromSeconds(1)))
            _logger.LogWarning("serial: closing {Port} hung; abandoned the handle", _options.PortPath);
        _transport = null;
        try
        {
            var fresh = _reopen.Execute(static (o, _) => SerialTransports.Open(o.PortPath, o.Baud, o.Io), _options, ct);
            _transport = fresh;
            _faulted = false;
            _counters.Inc(ref _counters._reconnects);
            _logger.LogInformation("serial: reopened {Port}", fresh.Description);
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>Not real-time. Sends a last Offline heartbeat, stops both threads and closes the device without hanging.</summary>
    public void Close()
    {
        if (_stop.IsCancellationRequested) return;
        var transport = _transport;
        if (transport is not null && !_faulted)
        {
            // The writer thread owns the wire and the sequence numbers: hand it the goodbye and let it drain.
            _status = LinkStatus.Offline;
            PostControl(FrameType.Heartbeat, [(byte)LinkStatus.Offline]);
            long deadline = _time.GetTimestamp() + _time.TimestampFrequency / 5;
            while (_time.GetTimestamp() < deadline)
            {
                lock (_gate) if (_controlCount == 0) break;
                Thread.Sleep(1);
            }
            Thread.Sleep(2);
        }
        _stop.Cancel();
        lock (_gate) Monitor.PulseAll(_gate);
        _writer?.Join(TimeSpan.FromSeconds(1));
        _reader?.Join(TimeSpan.FromSeconds(1));
        if (transport is not null && !transport.Close(TimeSpan.FromSeconds(1)))
            _logger.LogWarning("serial: closing {Port} hung; abandoned the handle", _options.PortPath);
        _transport = null;
    }

    public void Dispose()
    {
        Close();
        _stop.Dispose();
    }
}
