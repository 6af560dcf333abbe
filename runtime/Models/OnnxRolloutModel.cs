using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using Robotics.Core.Onnx.Ensemble;

namespace Robotics.Runtime.Models;

/// <summary>
/// The fused rollout graph (core's <see cref="EnsembleRolloutGraph"/>) in ONNX Runtime. Inputs and outputs
/// live in arrays sized once for <see cref="MaxBatch"/> candidates and are bound through
/// <see cref="OrtIoBinding"/>s made once per batch size, so <see cref="Score"/> copies the sequences in, runs
/// and allocates nothing after the first call for a given count.
/// <para>
/// On CPU with several threads the candidates are split into <see cref="Shards"/> contiguous slices (see
/// <see cref="WorldModelOptions.ShardRollout"/>): the caller runs the first slice and one dedicated worker
/// thread per other slice runs its own, all on one session with single-threaded kernels. Candidates are
/// independent, so the costs are the same as one run over all of them.
/// </para>
/// <para>
/// A graph built with per-candidate starts (obs0 [P, obs_dim], last_action [P, act_dim]: <see cref="PerCandidateStart"/>)
/// is scored with <see cref="ScoreFrom"/>, each candidate from its own state; <see cref="Score"/> then repeats the one state.
/// </para>
/// </summary>
public sealed class OnnxRolloutModel : IRolloutModel, IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly float[] _obs0, _actions, _lastAction, _cost, _disagreement;
    private readonly Binding?[][] _bindings; // [count][shard]
    private readonly ShardWorker[] _workers;
    private readonly bool _rebindInputs;
    private readonly TimeSpan _workerTimeout;
    private readonly int _minShard;

    private OnnxRolloutModel(InferenceSession session, int obsDim, int actDim, int horizon, int maxBatch, string cost, string provider, int shards,
                             TimeSpan workerTimeout, bool perCandidateStart, int minShard)
    {
        _minShard = minShard;
        PerCandidateStart = perCandidateStart;
        _session = session;
        _workerTimeout = workerTimeout;
        ObsDim = obsDim; ActDim = actDim; Horizon = horizon; MaxBatch = maxBatch;
        CostDescription = cost; Provider = provider; Shards = shards;
        _rebindInputs = provider != "cpu";
        int starts = perCandidateStart ? maxBatch : 1;
        _obs0 = new float[starts * obsDim];
        _actions = new float[maxBatch * horizon * actDim];
        _lastAction = new float[starts * actDim];
        _cost = new float[maxBatch];
        _disagreement = new float[maxBatch];
        _bindings = new Binding?[maxBatch + 1][];
        _workers = new ShardWorker[shards - 1];
        for (int i = 0; i < _workers.Length; i++) _workers[i] = new ShardWorker(session, i + 1);
    }

    public int ObsDim { get; }
    public int ActDim { get; }
    public int Horizon { get; }
    public int MaxBatch { get; }
    public string CostDescription { get; }
    /// <summary>"cpu" or "cuda".</summary>
    public string Provider { get; }
    /// <summary>How many candidate slices run concurrently (1 = one run over all candidates).</summary>
    public int Shards { get; }
    /// <summary>True when the graph takes one start state and last action per candidate (see <see cref="ScoreFrom"/>).</summary>
    public bool PerCandidateStart { get; }

    /// <summary>Not real-time. A rollout model from serialized ONNX bytes (e.g. built at load time by core's builder).</summary>
    public static OnnxRolloutModel Create(byte[] onnx, string name, WorldModelOptions? options = null, ILogger? logger = null,
                                          bool allowSpinning = false)
    {
        options = (options ?? new WorldModelOptions()).Validate();
        logger ??= NullLogger.Instance;
        bool shard = options.ShardRollout && options.IntraOpThreads > 1;
        var sessionOptions = shard ? options with { IntraOpThreads = 1 } : options;
        var (session, provider) = OnnxSessionFactory.Create(onnx, $"rollout model '{name}'", sessionOptions, logger, allowSpinning);
        try
        {
            var meta = session.ModelMetadata.CustomMetadataMap;
            if (!meta.TryGetValue(EnsembleGraphNames.HorizonKey, out string? h) || !int.TryParse(h, out int horizon) || horizon < 1)
                throw new InvalidDataException($"rollout model '{name}' has no valid '{EnsembleGraphNames.HorizonKey}' metadata");
            meta.TryGetValue(EnsembleGraphNames.CostKey, out string? cost);
            int[] start = Dims(session.InputMetadata, EnsembleGraphNames.Obs0, name);
            bool perCandidate = start.Length == 2;
            int obsDim = perCandidate ? start[1] : LastDim(session.InputMetadata, EnsembleGraphNames.Obs0, name);
            if (obsDim < 1) throw new InvalidDataException($"rollout model '{name}': '{EnsembleGraphNames.Obs0}' needs a fixed observation size");
            int[] act = Dims(session.InputMetadata, EnsembleGraphNames.Actions, name);
            if (act.Length != 3 || act[1] != horizon || act[2] < 1)
                throw new InvalidDataException($"rollout model '{name}': input '{EnsembleGraphNames.Actions}' must be [P, {horizon}, act_dim]");
            Dims(session.InputMetadata, EnsembleGraphNames.LastAction, name);
            Dims(session.OutputMetadata, EnsembleGraphNames.Cost, name);
            Dims(session.OutputMetadata, EnsembleGraphNames.RolloutDisagreement, name);
            // A GPU runs the whole batch at once; slicing it would only add launches.
            int shards = shard && provider == "cpu" ? Math.Min(options.IntraOpThreads, options.MaxBatch) : 1;
            logger.LogInformation("rollout model: {Name} (horizon {Horizon}, cost {Cost}, provider {Provider}, {Shards})", name, horizon, cost ?? "?", provider,
                shards > 1 ? $"{shards} candidate shards x 1 thread" : $"{options.IntraOpThreads} intra-op threads");
            return new OnnxRolloutModel(session, obsDim, act[2], horizon, options.MaxBatch, cost ?? "", provider, shards, options.WorkerTimeout, perCandidate, options.MinShardCandidates);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private static int[] Dims(IReadOnlyDictionary<string, NodeMetadata> meta, string key, string name) =>
        meta.TryGetValue(key, out var m) ? m.Dimensions
        : throw new InvalidDataException($"rollout model '{name}' has no '{key}' (has: {string.Join(", ", meta.Keys)})");

    private static int LastDim(IReadOnlyDictionary<string, NodeMetadata> meta, string key, string name)
    {
        int[] d = Dims(meta, key, name);
        return d.Length == 1 && d[0] > 0 ? d[0] : throw new InvalidDataException($"rollout model '{name}': '{key}' must be a fixed 1-D shape");
    }

    /// <summary>
    /// Hot path. Allocation-free after the first call for this <paramref name="count"/>. With several shards it
    /// waits for the workers' slices (no lock is held), at most <see cref="WorldModelOptions.WorkerTimeout"/> in
    /// all: past it the late runs are terminated and this throws a <see cref="TimeoutException"/>; until a
    /// terminated run has wound down, Score throws at once rather than share its buffers.
    /// </summary>
    public void Score(ReadOnlySpan<float> obs0, ReadOnlySpan<float> sequences, int count, ReadOnlySpan<float> lastAction, Span<float> cost)
    {
        Prepare(count);
        int starts = PerCandidateStart ? count : 1;
        for (int i = 0; i < starts; i++)
        {
            obs0[..ObsDim].CopyTo(_obs0.AsSpan(i * ObsDim, ObsDim));
            lastAction[..ActDim].CopyTo(_lastAction.AsSpan(i * ActDim, ActDim));
        }
        Run(sequences, count, cost);
    }

    /// <summary>
    /// Hot path, as <see cref="Score"/>, but candidate i starts from <paramref name="starts"/>[i] [count, obs_dim] with
    /// <paramref name="lastActions"/>[i] [count, act_dim] as its previous action. Needs <see cref="PerCandidateStart"/>.
    /// </summary>
    public void ScoreFrom(ReadOnlySpan<float> starts, ReadOnlySpan<float> sequences, int count, ReadOnlySpan<float> lastActions, Span<float> cost)
    {
        if (!PerCandidateStart) ThrowSingleStart();
        Prepare(count);
        starts[..(count * ObsDim)].CopyTo(_obs0);
        lastActions[..(count * ActDim)].CopyTo(_lastAction);
        Run(sequences, count, cost);
    }

    private void Prepare(int count)
    {
        if ((uint)(count - 1) >= (uint)MaxBatch) ThrowCount(count);
        foreach (var w in _workers)
            if (!w.Idle) ThrowBusy(); // before touching the buffers a terminated run may still read
    }

    private void Run(ReadOnlySpan<float> sequences, int count, Span<float> cost)
    {
        int len = count * Horizon * ActDim;
        sequences[..len].CopyTo(_actions);
        Binding?[] slices = _bindings[count] ?? Bind(count);
        // On CUDA, ORT copies CPU-bound inputs to the device when they are bound, not when run: bind again so
        // the new sequences are seen (a small per-call cost the CPU path does not pay).
        if (_rebindInputs) slices[0]!.BindInputs();
        for (int k = 1; k < slices.Length; k++) _workers[k - 1].Start(slices[k]!.IoBinding);
        long deadline = Environment.TickCount64 + (long)Math.Ceiling(_workerTimeout.TotalMilliseconds);
        Exception? first = null;
        try { _session.RunWithBinding(_runOptions, slices[0]!.IoBinding); }
        catch (Exception e) { first = e; }
        for (int k = 1; k < slices.Length; k++)
        {
            var failure = _workers[k - 1].Join(Math.Max(0, deadline - Environment.TickCount64), _workerTimeout);
            first ??= failure;
        }
        if (first is TimeoutException timeout) throw timeout;
        if (first is not null) throw new InvalidOperationException($"rollout model: scoring {count} candidates failed: {first.Message}", first);
        _cost.AsSpan(0, count).CopyTo(cost);
    }

    public ReadOnlySpan<float> Disagreement(int count) => _disagreement.AsSpan(0, count);

    /// <summary>
    /// Bytes the shard workers allocated while scoring, so far (the caller's own thread is measured by the
    /// caller with GC.GetAllocatedBytesForCurrentThread; this covers the threads it cannot see).
    /// </summary>
    public long WorkerAllocatedBytes
    {
        get
        {
            long sum = 0;
            foreach (var w in _workers) sum += w.AllocatedBytes;
            return sum;
        }
    }

    /// <summary>Not real-time: the first call for a count binds its slices.</summary>
    private Binding?[] Bind(int count)
    {
        int shards = Math.Max(1, Math.Min(Shards, count / _minShard));
        var slices = new Binding?[shards];
        for (int k = 0; k < shards; k++)
        {
            int lo = (int)((long)count * k / shards), hi = (int)((long)count * (k + 1) / shards);
            slices[k] = new Binding(_session, lo, hi - lo, this);
        }
        return _bindings[count] = slices;
    }

    /// <summary>Tests: runs on each shard worker's thread before its slice (a fault injector, e.g. a stall).</summary>
    internal Action? BeforeWorkerRun
    {
        set { foreach (var w in _workers) w.BeforeRun = value; }
    }

    private static void ThrowSingleStart() =>
        throw new InvalidOperationException("rollout model: this graph takes one start state for all candidates (built without per-candidate starts)");

    private static void ThrowBusy() =>
        throw new InvalidOperationException("rollout model: a shard worker is still winding down a timed-out run");

    private static void ThrowCount(int count) =>
        throw new ArgumentOutOfRangeException(nameof(count), count, "candidate count must be in [1, MaxBatch]");

    public void Dispose()
    {
        foreach (var w in _workers) w.Dispose();
        foreach (var slices in _bindings)
            if (slices is not null) foreach (var b in slices) b?.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }

    /// <summary>Candidates [offset, offset + n) of the shared buffers, bound to one IoBinding.</summary>
    private sealed class Binding : IDisposable
    {
        private readonly OrtValue[] _values;
        public OrtIoBinding IoBinding { get; }

        public Binding(InferenceSession session, int offset, int n, OnnxRolloutModel m)
        {
            var mem = OrtMemoryInfo.DefaultInstance;
            int step = m.Horizon * m.ActDim;
            _values =
            [
                m.PerCandidateStart
                    ? OrtValue.CreateTensorValueFromMemory(mem, m._obs0.AsMemory(offset * m.ObsDim, n * m.ObsDim), [n, m.ObsDim])
                    : OrtValue.CreateTensorValueFromMemory(mem, m._obs0.AsMemory(), [m.ObsDim]),
                OrtValue.CreateTensorValueFromMemory(mem, m._actions.AsMemory(offset * step, n * step), [n, m.Horizon, m.ActDim]),
                m.PerCandidateStart
                    ? OrtValue.CreateTensorValueFromMemory(mem, m._lastAction.AsMemory(offset * m.ActDim, n * m.ActDim), [n, m.ActDim])
                    : OrtValue.CreateTensorValueFromMemory(mem, m._lastAction.AsMemory(), [m.ActDim]),
                OrtValue.CreateTensorValueFromMemory(mem, m._cost.AsMemory(offset, n), [n]),
                OrtValue.CreateTensorValueFromMemory(mem, m._disagreement.AsMemory(offset, n), [n]),
            ];
            IoBinding = session.CreateIoBinding();
            BindInputs();
            IoBinding.BindOutput(EnsembleGraphNames.Cost, _values[3]);
            IoBinding.BindOutput(EnsembleGraphNames.RolloutDisagreement, _values[4]);
        }

        public void BindInputs()
        {
            IoBinding.BindInput(EnsembleGraphNames.Obs0, _values[0]);
            IoBinding.BindInput(EnsembleGraphNames.Actions, _values[1]);
            IoBinding.BindInput(EnsembleGraphNames.LastAction, _values[2]);
        }

        public void Dispose()
        {
            IoBinding.Dispose();
            foreach (var v in _values) v.Dispose();
        }
    }

    /// <summary>A dedicated thread that runs one candidate slice per <see cref="Start"/>.</summary>
    private sealed class ShardWorker : IDisposable
    {
        private readonly InferenceSession _session;
        private readonly RunOptions _runOptions = new();
        private readonly ManualResetEventSlim _go = new(false), _done = new(false);
        private readonly Thread _thread;
        private readonly int _index;
        private OrtIoBinding? _work;
        private Exception? _error;
        private volatile bool _stop;
        private bool _abandoned; // a Join timed out; the run was told to terminate
        internal Action? BeforeRun;

        /// <summary>Bytes this worker allocated while running slices (read after <see cref="Join"/>).</summary>
        public long AllocatedBytes { get; private set; }

        public ShardWorker(InferenceSession session, int index)
        {
            _session = session;
            _index = index;
            // ManualResetEventSlim makes its lock object (24 B) the first time a Wait has to block rather than
            // spin; block once here so a loaded machine's first slow join in the hot path allocates nothing.
            _done.Wait(1);
            _go.Wait(1);
            _thread = new Thread(Run) { IsBackground = true, Name = $"rollout-shard-{index}" };
            _thread.Start();
        }

        /// <summary>False while a run abandoned by a timed-out Join is still winding down.</summary>
        public bool Idle
        {
            get
            {
                if (!_abandoned) return true;
                if (!_done.IsSet) return false;
                _abandoned = false;
                _runOptions.Terminate = false;
                return true;
            }
        }

        /// <summary>Hot path.</summary>
        public void Start(OrtIoBinding work)
        {
            _work = work;
            _error = null;
            _done.Reset();
            _go.Set();
        }

        /// <summary>
        /// Hot path. Waits up to <paramref name="waitMs"/> for the slice; returns its failure, if any. Past the wait
        /// it tells the run to terminate and returns a <see cref="TimeoutException"/> (allocated only then).
        /// </summary>
        public Exception? Join(long waitMs, TimeSpan bound)
        {
            if (_done.Wait(TimeSpan.FromMilliseconds(waitMs))) return _error;
            _abandoned = true;
            _runOptions.Terminate = true;
            return new TimeoutException($"rollout model: shard worker {_index} did not finish its slice within {bound.TotalMilliseconds:F0} ms; run terminated");
        }

        private void Run()
        {
            while (true)
            {
                _go.Wait();
                _go.Reset();
                if (_stop) return;
                long before = GC.GetAllocatedBytesForCurrentThread();
                try
                {
                    BeforeRun?.Invoke();
                    _session.RunWithBinding(_runOptions, _work!);
                }
                catch (Exception e) { _error = e; }
                AllocatedBytes += GC.GetAllocatedBytesForCurrentThread() - before;
                _done.Set();
            }
        }

        public void Dispose()
        {
            _stop = true;
            _go.Set();
            _thread.Join();
            _runOptions.Dispose();
            _go.Dispose();
            _done.Dispose();
        }
    }
}
