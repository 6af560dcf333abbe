using Microsoft.Extensions.Logging;
using Polly;
using Robotics.Drivers.Common;
using Robotics.Drivers.Resilience;

namespace Robotics.Drivers.Serial;

/// <summary>
/// Both ends of the serial protocol use one of these: a reader thread that decodes frames, a writer
/// thread that numbers, encodes and writes them, a heartbeat, and reopening of a vanished device through
/// the Polly pipeline. Posting is non-blocking and allocation-free: the latest frame (states one way,
/// commands the other) goes through a lock-free <see cref="LatestWinsMailbox{T}"/> and replaces one the
/// writer has not sent yet; control frames (spec, e-stop, status; never on the control loop's path)
/// queue under a lock in a small preallocated ring and go first. The writer parks on the mailbox's
/// event, which both kinds of post set, with the time to the next heartbeat as its timeout.
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
    private readonly Func<SerialLinkOptions, ISerialTransport> _openTransport;
    private readonly FrameDecoder _decoder;
    private readonly CancellationTokenSource _stop = new();
    // Latest frame: PostLatest's caller produces, the writer thread consumes. No lock.
    private readonly LatestWinsMailbox<OutgoingFrame> _latest = new(static () => new OutgoingFrame());

    // Control ring, guarded by _gate (PostControl may be called from any thread; never the hot path).
    private readonly object _gate = new();
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
        : this(options, onFrame, counters, time, logger, null) { }

    /// <summary>As the public constructor; <paramref name="openTransport"/> replaces the real device (tests' fakes).</summary>
    internal SerialLink(SerialLinkOptions options, FrameHandler onFrame, DriverCounters counters, TimeProvider time, ILogger logger,
        Func<SerialLinkOptions, ISerialTransport>? openTransport)
    {
        _options = options.Validate();
        _openTransport = openTransport ?? (static o => SerialTransports.Open(o.PortPath, o.Baud, o.Io));
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
        _transport = await _reopen.ExecuteAsync(static (l, _) => ValueTask.FromResult(l._openTransport(l._options)), this, linked.Token);
        _logger.LogInformation("serial: opened {Port}", _transport.Description);
        _reader = new Thread(ReadLoop) { IsBackground = true, Name = "serial-read " + _options.PortPath, Priority = ThreadPriority.AboveNormal };
        _writer = new Thread(WriteLoop) { IsBackground = true, Name = "serial-write " + _options.PortPath, Priority = ThreadPriority.AboveNormal };
        _reader.Start();
        _writer.Start();
    }

    /// <summary>
    /// Hot path: real-time, non-blocking, lock-free, allocation-free. Queues the latest state or command,
    /// replacing one not yet written. <paramref name="ttlMs"/> &gt; 0 drops it when the writer gets to it
    /// later than that. Single producer: one thread at a time (the control loop's Write, or a robot's
    /// state publisher).
    /// </summary>
    public void PostLatest(FrameType type, ReadOnlySpan<byte> payload, int ttlMs = 0)
    {
        var frame = _latest.ProducerSlot;
        payload.CopyTo(frame.Payload);
        frame.Length = payload.Length;
        frame.Type = type;
        frame.Timestamp = _time.GetTimestamp();
        frame.TtlMs = ttlMs;
        _latest.Publish();
    }

    /// <summary>True while a frame posted with <see cref="PostLatest"/> waits for the writer thread.</summary>
    public bool LatestPending => _latest.HasFresh;

    /// <summary>Non-blocking (a short lock shared only with the writer's dequeue). Queues a control frame (spec, e-stop...); false when the ring is full.</summary>

    public bool PostControl(FrameType type, ReadOnlySpan<byte> payload)
    {
        lock (_gate)
        {
            if (_controlCount == ControlSlots) return false;
            int slot = (_controlHead + _controlCount) % ControlSlots;
            payload.CopyTo(_control[slot]);
            _controlLength[slot] = payload.Length;
            _controlType[slot] = type;
            Volatile.Write(ref _controlCount, _controlCount + 1); // read without the lock by the writer's wait
        }
        _latest.Wake();
        return true;
    }

    /// <summary>The writer's reason to stay awake besides a fresh latest frame.</summary>
    private static bool HasControlOrStop(SerialLink link) =>
        Volatile.Read(ref link._controlCount) > 0 || link._stop.IsCancellationRequested;

    private void WriteLoop()
    {
        Span<byte> payload = stackalloc byte[FrameCodec.MaxPayload];
        Span<byte> wire = new byte[FrameCodec.MaxWireLength];
        long nextHeartbeat = 0;
        var ct = _stop.Token;
        Func<SerialLink, bool> hasControlOrStop = HasControlOrStop;
        while (!ct.IsCancellationRequested)
        {
            FrameType type = default;
            int length = -1;
            scoped ReadOnlySpan<byte> body = default;
            if (Volatile.Read(ref _controlCount) > 0)
            {
                lock (_gate)
                {
                    int slot = _controlHead;
                    _controlHead = (_controlHead + 1) % ControlSlots;
                    type = _controlType[slot];
                    length = _controlLength[slot];
                    _control[slot].AsSpan(0, length).CopyTo(payload);
                    _controlCount--;
                }
                body = payload[..length];
            }
            else if (_latest.TryTake(out var frame))
            {
                // The frame is ours until the next TryTake: encode it straight from the slot.
                if (frame.TtlMs > 0 && _time.GetElapsedTime(frame.Timestamp).TotalMilliseconds > frame.TtlMs)
                    _counters.Inc(ref _counters._commandsDropped);
                else
                {
                    type = frame.Type;
                    length = frame.Length;
                    body = frame.Payload.AsSpan(0, length);
                }
            }
            if (length < 0)
            {
                long wait = nextHeartbeat - _time.GetTimestamp();
                if (wait > 0)
                {
                    _latest.Wait(TimeSpan.FromSeconds((double)wait / _time.TimestampFrequency), hasControlOrStop, this);
                    continue;
                }
                type = FrameType.Heartbeat;
                payload[0] = (byte)_status;
                length = 1;
                body = payload[..1];
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
            int n = FrameCodec.Encode(type, _sendSeq++, body, wire);
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
            var fresh = _reopen.Execute(static (l, _) => l._openTransport(l._options), this, ct);
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
        _latest.Wake(); // the writer waits without the token (no registration to allocate)
        _writer?.Join(TimeSpan.FromSeconds(1));
        _reader?.Join(TimeSpan.FromSeconds(1));
        if (transport is not null && !transport.Close(TimeSpan.FromSeconds(1)))
            _logger.LogWarning("serial: closing {Port} hung; abandoned the handle", _options.PortPath);
        _transport = null;
    }

    /// <summary>A mailbox slot: one frame's payload, its type, when it was posted and its ttl.</summary>
    private sealed class OutgoingFrame
    {
        public readonly byte[] Payload = new byte[FrameCodec.MaxPayload];
        public int Length;
        public FrameType Type;
        public long Timestamp;
        public int TtlMs;
    }

    public void Dispose()
    {
        Close();
        _stop.Dispose();
    }
}
