using Robotics.Core.Models;
using Robotics.Runtime.Controllers;
using Robotics.Runtime.Session;

namespace Robotics.Trainer.Safety;

/// <summary>
/// Settings of `robotics-train veto-eval` (<see cref="VetoEvaluation"/>): which trained model and robot, the
/// folder the model was trained from, how many of the deployed controller's episodes calibrate and how many
/// (other seeds) evaluate, and the out-of-distribution probe. Immutable; <see cref="Validate"/> names the first bad setting.
/// </summary>
public sealed record VetoEvalOptions
{
    public required string ModelPath { get; init; }
    /// <summary>The model's training episodes (PETS: RUN/data); their held-out rows join the calibration set and give the training range.</summary>
    public required string TrainingDataDir { get; init; }
    public required string OutDir { get; init; }
    public IReadOnlyList<int> Seeds { get; init; } = [0, 1, 2];
    /// <summary>Controller episodes per seed recorded for calibration.</summary>
    public int CalibrationEpisodes { get; init; } = 4;
    /// <summary>
    /// When > 0: calibration runs whole controller episodes until they hold at least this many ticks (replaces
    /// <see cref="CalibrationEpisodes"/>; short-episode robots then calibrate on as many ticks as long-episode ones).
    /// </summary>
    public int CalibrationTicks { get; init; }
    /// <summary>
    /// The gate the calibration episodes run under: <see cref="GateKind.NoVeto"/> (default) records the controller's own,
    /// unperturbed trajectories, which a vetoing gate at any threshold follows exactly until its first veto;
    /// <see cref="GateKind.Safety"/> runs them under the model's card threshold, whose vetoes steer them elsewhere
    /// than a deployment at the new threshold goes.
    /// </summary>
    public GateKind CalibrationGate { get; init; } = GateKind.NoVeto;
    /// <summary>
    /// Gated calibration rounds after the first (<see cref="ClosedLoopCalibration"/>): each reruns the calibration
    /// episodes' budget on fresh starts under the latest threshold and ends the search when it vetoes at most
    /// <see cref="FalseVetoRate"/> of its ticks. 0: calibrate on the first round alone.
    /// </summary>
    public int GatedRounds { get; init; } = 3;
    /// <summary>Controller episodes per seed, on other start states, on which false vetoes are counted.</summary>
    public int EvalEpisodes { get; init; } = 5;
    public double FalseVetoRate { get; init; } = ConformalThreshold.DefaultFalseVetoRate;
    /// <summary>The bound the measured false-veto rate of ticks is judged against (issue 19: 1%); the calibration target may be below it.</summary>
    public double FalseVetoBound { get; init; } = 0.01;
    /// <summary>Calibrate per transition (split-conformal) instead of on ticks with the gate's hysteresis.</summary>
    public bool PerTransition { get; init; }
    /// <summary>Out-of-distribution probe states per seed, each with <see cref="ActionsPerState"/> random actions.</summary>
    public int OodStates { get; init; } = 500;
    public int ActionsPerState { get; init; } = 2;
    /// <summary>OOD velocities start this fraction of the observation bound beyond the training range.</summary>
    public double OodMargin { get; init; } = 0.1;
    /// <summary>What the deployed gate sends in place of a vetoed proposal (null: the gate's default).</summary>
    public Robotics.Safety.VetoFallbackOptions? VetoFallback { get; init; }
    /// <summary>The deployed controller (planner and budget; the PETS preset of the robot by default).</summary>
    public ControllerOptions Controller { get; init; } = new();

    public VetoEvalOptions Validate()
    {
        if (!File.Exists(ModelPath)) throw new ArgumentException($"--model: file '{ModelPath}' does not exist");
        if (!Directory.Exists(TrainingDataDir)) throw new ArgumentException($"--training-data '{TrainingDataDir}' is not a folder");
        if (string.IsNullOrWhiteSpace(OutDir)) throw new ArgumentException("--out is required");
        if (Seeds is not { Count: > 0 } || Seeds.Distinct().Count() != Seeds.Count) throw new ArgumentException("--seeds: give one or more distinct seeds");
        // CalibrationSeed / EvalSeed are disjoint over seeds 0..9 and rounds 0..9 only.
        if (Seeds.Any(s => s is < 0 or > 9)) throw new ArgumentException("--seeds must be in [0, 9]");
        if (CalibrationEpisodes < 1 || EvalEpisodes < 1) throw new ArgumentException($"--calibration-episodes and --eval-episodes must be >= 1, got {CalibrationEpisodes} and {EvalEpisodes}");
        if (CalibrationTicks is < 0 or > 1_000_000) throw new ArgumentException($"--calibration-ticks must be in [0, 1000000], got {CalibrationTicks}");
        if (!(FalseVetoRate > 0 && FalseVetoRate < 1)) throw new ArgumentException($"--false-veto-rate must be in (0, 1), got {FalseVetoRate}");
        if (!(FalseVetoBound > 0 && FalseVetoBound < 1)) throw new ArgumentException($"--false-veto-bound must be in (0, 1), got {FalseVetoBound}");
        if (OodStates < 1 || ActionsPerState < 1) throw new ArgumentException($"--ood-states and --actions-per-state must be >= 1, got {OodStates} and {ActionsPerState}");
        if (!(OodMargin >= 0 && OodMargin < 1)) throw new ArgumentException($"--ood-margin must be in [0, 1), got {OodMargin}");
        if (GatedRounds is < 0 or > 9) throw new ArgumentException($"--gated-rounds must be in [0, 9], got {GatedRounds}");
        if (CalibrationGate is not (GateKind.NoVeto or GateKind.Safety)) throw new ArgumentException($"--calibration-gate must be no-veto or safety, got {CalibrationGate}");
        VetoFallback?.Validate();
        Controller.Validate();
        return this;
    }

    /// <summary>Start seeds of the calibration (per round) and evaluation episodes: disjoint per seed, per round and between the two.</summary>
    public static int CalibrationSeed(int seed, int round = 0) => 10_000 + 1_000 * round + 100 * seed;
    public static int EvalSeed(int seed) => 20_000 + 100 * seed;
}
