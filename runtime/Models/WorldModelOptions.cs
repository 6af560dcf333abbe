namespace Robotics.Runtime.Models;

/// <summary>Which ONNX Runtime execution provider to ask for.</summary>
public enum ProviderPreference
{
    /// <summary>CUDA when this is the GPU build and a GPU answers, else CPU.</summary>
    Auto,
    Cpu,
    /// <summary>CUDA, falling back to CPU with a log line when unavailable.</summary>
    Cuda,
}

/// <summary>
/// How to load a world model. Batch-1 calls (the gate) are fastest with one intra-op thread; large
/// planner batches gain from two on this project's 2-core machines.
/// </summary>
public sealed record WorldModelOptions
{
    /// <summary>Largest batch (planner population) the pre-allocated buffers hold.</summary>
    public int MaxBatch { get; init; } = 1024;
    public int IntraOpThreads { get; init; } = 1;
    public ProviderPreference Provider { get; init; } = ProviderPreference.Auto;
    /// <summary>
    /// How a fused rollout model uses <see cref="IntraOpThreads"/> on CPU: split the candidates into that many
    /// slices, each run through the graph by its own thread with single-threaded kernels (true), or one run
    /// over all candidates with ONNX Runtime's intra-op pool (false). Sharding avoids a thread hand-off at
    /// each of the graph's hundreds of operators: pets-rt went from ~55 to ~40 ms on 2 cores.
    /// </summary>
    public bool ShardRollout { get; init; } = true;
    /// <summary>
    /// Fewest candidates a shard gets: a call with fewer than 2 x this many runs as one slice on the caller's thread. The
    /// fused graph's time at a few candidates is its operators' overhead, which slicing does not divide, while each hand-off
    /// to a worker costs a wake-up (tree search's leaf calls are 8-16 candidates). 1 = always split across the threads.
    /// </summary>
    public int MinShardCandidates { get; init; } = 1;
    /// <summary>
    /// How long a fused rollout waits for its shard workers' slices before it gives up on the plan: the
    /// stuck run is terminated (ONNX Runtime's RunOptions.Terminate) and Score throws a TimeoutException, so the
    /// loop falls back to a safe command instead of waiting forever. A plan normally takes tens of ms.
    /// </summary>
    public TimeSpan WorkerTimeout { get; init; } = TimeSpan.FromSeconds(2);

    public WorldModelOptions Validate()
    {
        if (MaxBatch < 1 || MaxBatch > 1 << 20)
            throw new ArgumentException($"world model: max batch must be in [1, 1048576], got {MaxBatch}");
        if (IntraOpThreads < 1 || IntraOpThreads > 256)
            throw new ArgumentException($"world model: intra-op threads must be in [1, 256], got {IntraOpThreads}");
        if (MinShardCandidates < 1)
            throw new ArgumentException($"world model: min shard candidates must be >= 1, got {MinShardCandidates}");
        if (WorkerTimeout <= TimeSpan.Zero)
            throw new ArgumentException($"world model: worker timeout must be positive, got {WorkerTimeout}");
        return this;
    }
}
