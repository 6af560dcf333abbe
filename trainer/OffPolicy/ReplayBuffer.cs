namespace Robotics.Trainer.OffPolicy;

/// <summary>
/// Transitions (obs, action in [-1, 1], reward, next obs, terminal) in a ring of fixed capacity, stored
/// structure-of-arrays and written by index; the oldest rows are overwritten once full (the model buffer's
/// retention). Shared by SAC (real data) and MBPO (real data and model rollouts). Not thread-safe.
/// </summary>
public sealed class ReplayBuffer : IExperienceSink
{
    private readonly float[] _obs, _act, _reward, _next, _terminal;
    private int _head;

    public ReplayBuffer(int capacity, int obsDim, int actDim)
    {
        if (capacity < 1) throw new ArgumentException($"replay: capacity must be >= 1, got {capacity}");
        Capacity = capacity; ObsDim = obsDim; ActDim = actDim;
        _obs = new float[capacity * obsDim]; _next = new float[capacity * obsDim];
        _act = new float[capacity * actDim]; _reward = new float[capacity]; _terminal = new float[capacity];
    }

    public int Capacity { get; }
    public int ObsDim { get; }
    public int ActDim { get; }
    /// <summary>Rows held (at most <see cref="Capacity"/>).</summary>
    public int Count { get; private set; }
    /// <summary>Rows ever added.</summary>
    public long Added { get; private set; }

    /// <summary>Allocation-free. Adds one transition.</summary>
    public void Add(ReadOnlySpan<float> obs, ReadOnlySpan<float> action, float reward, ReadOnlySpan<float> next, bool terminal)
    {
        int i = _head;
        obs.CopyTo(_obs.AsSpan(i * ObsDim, ObsDim));
        action.CopyTo(_act.AsSpan(i * ActDim, ActDim));
        next.CopyTo(_next.AsSpan(i * ObsDim, ObsDim));
        _reward[i] = reward;
        _terminal[i] = terminal ? 1f : 0f;
        _head = (_head + 1) % Capacity;
        Count = Math.Min(Count + 1, Capacity);
        Added++;
    }

    /// <summary>Writes <paramref name="n"/> uniformly drawn rows into the batch's rows [offset, offset + n).</summary>
    public void SampleInto(int n, Random rng, TransitionBatch batch, int offset)
    {
        if (Count == 0) throw new InvalidOperationException("replay: cannot sample from an empty buffer");
        for (int r = 0; r < n; r++)
        {
            int i = rng.Next(Count), o = offset + r;
            _obs.AsSpan(i * ObsDim, ObsDim).CopyTo(batch.Obs.AsSpan(o * ObsDim, ObsDim));
            _act.AsSpan(i * ActDim, ActDim).CopyTo(batch.Action.AsSpan(o * ActDim, ActDim));
            _next.AsSpan(i * ObsDim, ObsDim).CopyTo(batch.Next.AsSpan(o * ObsDim, ObsDim));
            batch.Reward[o] = _reward[i];
            batch.Terminal[o] = _terminal[i];
        }
    }

    /// <summary>Allocation-free. Copies the observation of row <paramref name="i"/> (storage order, 0 to Count - 1).</summary>
    public void ObsAt(int i, Span<float> obs) => _obs.AsSpan(i * ObsDim, ObsDim).CopyTo(obs);

    /// <summary>SHA-256 (hex) over the rows held: what a model card records as its training data.</summary>
    public string Digest()
    {
        using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_obs.AsSpan(0, Count * ObsDim)));
        sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_act.AsSpan(0, Count * ActDim)));
        sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_reward.AsSpan(0, Count)));
        sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_next.AsSpan(0, Count * ObsDim)));
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>Row <paramref name="i"/> in storage order, as arrays (for training the dynamics model).</summary>
    public (float[] Obs, float[] Action, float Reward, float[] Next, bool Terminal) Row(int i) =>
        (_obs.AsSpan(i * ObsDim, ObsDim).ToArray(), _act.AsSpan(i * ActDim, ActDim).ToArray(), _reward[i],
         _next.AsSpan(i * ObsDim, ObsDim).ToArray(), _terminal[i] > 0.5f);

    /// <summary>All observations held, [Count, obs] in storage order (the normaliser's fit).</summary>
    public ReadOnlySpan<float> Observations => _obs.AsSpan(0, Count * ObsDim);
}

/// <summary>One minibatch as flat row-major arrays, allocated once and refilled by index.</summary>
public sealed class TransitionBatch(int size, int obsDim, int actDim)
{
    public int Size { get; } = size;
    public int ObsDim { get; } = obsDim;
    public int ActDim { get; } = actDim;
    public float[] Obs { get; } = new float[size * obsDim];
    public float[] Action { get; } = new float[size * actDim];
    public float[] Reward { get; } = new float[size];
    public float[] Next { get; } = new float[size * obsDim];
    public float[] Terminal { get; } = new float[size];
}
