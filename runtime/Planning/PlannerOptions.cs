namespace Robotics.Runtime.Planning;

/// <summary>Settings every planner shares. Derived records add their algorithm's knobs.</summary>
public abstract record PlannerOptions
{
    /// <summary>Steps planned ahead.</summary>
    public int Horizon { get; init; } = 15;
    public ParticleMode Particles { get; init; } = ParticleMode.Average;
    /// <summary>How many alternative first actions to offer the safety gate (best first).</summary>
    public int Candidates { get; init; } = 5;
    /// <summary>Initial sampling spread per step, as a fraction of each action dimension's half-range.</summary>
    public float InitialStd { get; init; } = 0.5f;

    /// <summary>Largest batch the planner sends to the model in one call.</summary>
    public abstract int MaxBatch { get; }

    protected void ValidateCommon(string name)
    {
        Require(Horizon is >= 1 and <= 1000, $"{name}: horizon must be in [1, 1000], got {Horizon}");
        Require(Candidates is >= 0 and <= 64, $"{name}: candidates must be in [0, 64], got {Candidates}");
        Require(InitialStd > 0 && float.IsFinite(InitialStd), $"{name}: initial std must be > 0, got {InitialStd}");
    }

    protected static void Require(bool ok, string message)
    {
        if (!ok) throw new ArgumentException(message);
    }
}

/// <summary>Cross-entropy method (PETS): sample around a Gaussian, refit it to the elites, repeat.</summary>
public sealed record CemOptions : PlannerOptions
{
    public int Population { get; init; } = 300;
    public int Elites { get; init; } = 30;
    public int Iterations { get; init; } = 4;
    /// <summary>Weight kept on the old mean/variance when refitting (0 = jump to the elites).</summary>
    public float Alpha { get; init; } = 0.1f;

    public override int MaxBatch => Population;

    public CemOptions Validate()
    {
        ValidateCommon("cem");
        Require(Population is >= 2 and <= 1 << 16, $"cem: population must be in [2, 65536], got {Population}");
        Require(Elites >= 1 && Elites <= Population, $"cem: elites must be in [1, population={Population}], got {Elites}");
        Require(Candidates <= Population, $"cem: candidates ({Candidates}) exceed the population ({Population})");
        Require(Iterations is >= 1 and <= 100, $"cem: iterations must be in [1, 100], got {Iterations}");
        Require(Alpha is >= 0 and < 1, $"cem: alpha must be in [0, 1), got {Alpha}");
        return this;
    }
}

/// <summary>Model-predictive path integral control: a softmax-weighted average of noisy plans.</summary>
public sealed record MppiOptions : PlannerOptions
{
    public int Samples { get; init; } = 400;
    public int Iterations { get; init; } = 1;
    /// <summary>Softmax temperature lambda on trajectory cost; small = greedy.</summary>
    public float Temperature { get; init; } = 1f;
    /// <summary>Exploration noise per step, as a fraction of each action dimension's half-range.</summary>
    public float NoiseSigma { get; init; } = 0.5f;

    public override int MaxBatch => Samples;

    public MppiOptions Validate()
    {
        ValidateCommon("mppi");
        Require(Samples is >= 2 and <= 1 << 16, $"mppi: samples must be in [2, 65536], got {Samples}");
        Require(Candidates <= Samples, $"mppi: candidates ({Candidates}) exceed the samples ({Samples})");
        Require(Iterations is >= 1 and <= 100, $"mppi: iterations must be in [1, 100], got {Iterations}");
        Require(Temperature > 0 && float.IsFinite(Temperature), $"mppi: temperature must be > 0, got {Temperature}");
        Require(NoiseSigma > 0 && float.IsFinite(NoiseSigma), $"mppi: noise sigma must be > 0, got {NoiseSigma}");
        return this;
    }
}

/// <summary>
/// Improved CEM (Pinneri et al. 2020): time-correlated ("coloured") noise, elites kept across iterations
/// and plans, a population that shrinks each iteration, and the best sequence seen is executed.
/// </summary>
public sealed record IcemOptions : PlannerOptions
{
    public int Population { get; init; } = 300;
    public int Elites { get; init; } = 30;
    public int Iterations { get; init; } = 4;
    public float Alpha { get; init; } = 0.1f;
    /// <summary>Noise power spectrum exponent: 0 white, 2 Brownian-like (smoother plans).</summary>
    public float NoiseBeta { get; init; } = 2f;
    /// <summary>Population at iteration i is max(Population / Decay^i, 2 Elites).</summary>
    public float PopulationDecay { get; init; } = 1.25f;
    /// <summary>Fraction of elites carried into the next iteration (and, shifted, into the next plan).</summary>
    public float KeepElites { get; init; } = 0.3f;

    public int KeptElites => (int)MathF.Ceiling(KeepElites * Elites);
    public override int MaxBatch => Population + KeptElites;

    public IcemOptions Validate()
    {
        ValidateCommon("icem");
        Require(Population is >= 2 and <= 1 << 16, $"icem: population must be in [2, 65536], got {Population}");
        Require(Elites >= 1 && 2 * Elites <= Population, $"icem: elites must be in [1, population/2={Population / 2}], got {Elites}");
        Require(Candidates <= 2 * Elites, $"icem: candidates ({Candidates}) exceed twice the elites ({2 * Elites})");
        Require(Iterations is >= 1 and <= 100, $"icem: iterations must be in [1, 100], got {Iterations}");
        Require(Alpha is >= 0 and < 1, $"icem: alpha must be in [0, 1), got {Alpha}");
        Require(NoiseBeta is >= 0 and <= 6, $"icem: noise beta must be in [0, 6], got {NoiseBeta}");
        Require(PopulationDecay >= 1 && float.IsFinite(PopulationDecay), $"icem: population decay must be >= 1, got {PopulationDecay}");
        Require(KeepElites is >= 0 and <= 1, $"icem: keep-elites fraction must be in [0, 1], got {KeepElites}");
        return this;
    }
}
