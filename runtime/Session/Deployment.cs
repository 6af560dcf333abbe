using Microsoft.Extensions.Logging;
using Robotics.Core.Models;
using Robotics.Core.Robots;
using Robotics.Runtime.Controllers;
using Robotics.Runtime.Loop;
using Robotics.Runtime.Models;
using Robotics.Safety;
using Robotics.Safety.Checks;

namespace Robotics.Runtime.Session;

/// <summary>
/// What a session puts in front of a robot, built through the seams: the files checked together and against
/// the robot (<see cref="DeploymentFiles"/>), the gate with the safety predictor the predictor file's kind
/// provides (none: model checks off, said in one line), the controller the card's kind gets from the
/// <see cref="ControllerRegistry"/>, and the control loop. Not real-time; built before any command.
/// </summary>
public sealed class Deployment : IDisposable
{
    private DeploymentParts _current;

    private Deployment(DeploymentParts parts, ControlLoop loop, FaultMonitor.ActuatorFaultWatch? faultWatch)
    {
        _current = parts; Loop = loop; FaultWatch = faultWatch;
    }

    /// <summary>The actuator-fault monitor beside the controller (<c>--fault-monitor</c>); null when off. Kept across hot reloads.</summary>
    public FaultMonitor.ActuatorFaultWatch? FaultWatch { get; }

    /// <summary>What drives the robot now (changes on a hot reload, <see cref="SwapAsync"/>).</summary>
    public DeploymentParts Current => Volatile.Read(ref _current);
    public DeploymentFiles Files => Current.Files;
    public ModelCard Card => Files.Model.Card;
    public IController Controller => Current.Controller;
    public ISafetyPredictor? Predictor => Current.Predictor;
    public ICommandGate Gate => Current.Gate;
    public ControlLoop Loop { get; }

    /// <summary>
    /// Not real-time. Throws <see cref="FileNotFoundException"/>, <see cref="InvalidDataException"/> (bad file,
    /// card or unknown kind), <see cref="ModelCardMismatchException"/> or <see cref="ArgumentException"/>.
    /// </summary>
    public static Deployment Build(SessionOptions o, IRobotDriver driver, RobotSpec spec, SessionServices s)
    {
        DeploymentParts parts = CreateParts(o, spec, s);
        FaultMonitor.ActuatorFaultWatch? watch = null;
        try
        {
            var loop = new ControlLoop(driver, spec, parts.Controller, parts.Gate, o.LoopOptions(spec.Id), s.Time, s.Logger);
            if (o.FaultMonitor is { } fm)
            {
                watch = FaultMonitor.ActuatorFaultWatch.Create(fm, spec, s.EStop, s.Logger);
                loop.TransitionObserver = watch;
            }
            return new Deployment(parts, loop, watch);
        }
        catch
        {
            watch?.Dispose();
            parts.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Not real-time. The files (checked together and against <paramref name="spec"/>), gate, safety predictor and
    /// controller of a deployment, without a loop: the first deployment, or a hot reload's candidate built beside the
    /// running one. Throws as <see cref="Build"/>.
    /// </summary>
    public static DeploymentParts CreateParts(SessionOptions o, RobotSpec spec, SessionServices s)
    {
        var files = DeploymentFiles.Resolve(o.ModelPath, o.SafetyModelPath, spec, s.Registry);
        ILogger logger = s.Logger;
        ISafetyPredictor? predictor = null;
        IController? controller = null;
        try
        {
            ICommandGate gate;
            if (o.Gate is GateKind.Safety or GateKind.NoVeto)
            {
                var gateOptions = o.SafetyOptions ?? new SafetyGateOptions
                {
                    // Lock-step robots wait for us, so a slow plan does not make their state stale.
                    Staleness = o.Realtime ? null : new StalenessOptions(TimeSpan.FromSeconds(30)),
                    Fallback = o.VetoFallback ?? new VetoFallbackOptions(),
                };
                if (o.Gate == GateKind.NoVeto) gateOptions = gateOptions with { Enabled = gateOptions.Enabled & ~SafetyChecks.UncertaintyVeto };
                predictor = files.PredictorFactory.CreateSafetyPredictor(new SafetyPredictorRequest
                {
                    Model = files.PredictorFile, Robot = spec, MaxBatch = gateOptions.MaxCandidates + 1,
                    Options = o.Controller, Logger = logger,
                });
                if (predictor is null)
                    logger.LogWarning("safety: '{File}' (kind {Kind}) predicts no next state: state limits and the uncertainty veto are off (give --safety-model)",
                        Path.GetFileName(files.PredictorFile.Path), files.PredictorFile.Card.Kind);
                // Default options run the veto under the hysteresis its threshold was calibrated with (card
                // uncertainty.hysteresis); explicit options must match it (the gate refuses otherwise).
                if (o.SafetyOptions is null && predictor?.Calibration is { } calibration)
                    gateOptions = gateOptions with { Uncertainty = gateOptions.Uncertainty.WithCalibratedHysteresis(calibration) };
                gate = SafetyGate.Create(spec, predictor, gateOptions, s.EStop, s.Time, logger);
            }
            else gate = new PassThroughGate();

            controller = files.Factory.Create(new ControllerContext
            {
                Model = files.Model, Robot = spec, Task = TaskResolver.Resolve(files.Model.Card, logger),
                SafetyPredictor = predictor, Options = o.Controller with { Seed = o.Seed }, Time = s.Time, Logger = logger,
            });
            return new DeploymentParts(files, controller, predictor, gate);
        }
        catch
        {
            controller?.Dispose();
            (predictor as IDisposable)?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Not real-time. Puts <paramref name="next"/> in front of the robot at the loop's next tick (see
    /// <see cref="ControlLoop.RequestSwap"/>) and returns what it replaced, still alive (kept for a rollback; the
    /// caller disposes it). Throws <see cref="TimeoutException"/> when the loop did not tick within
    /// <paramref name="timeout"/>; the swap then happens at the loop's next tick all the same.
    /// </summary>
    public async Task<DeploymentParts> SwapAsync(DeploymentParts next, TimeSpan timeout, CancellationToken ct)
    {
        DeploymentParts old = Current;
        Task done = Loop.RequestSwap(next.Controller, next.Gate)
            .ContinueWith(_ => Volatile.Write(ref _current, next), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        await done.WaitAsync(timeout, ct).ConfigureAwait(false);
        return old;
    }

    /// <summary>
    /// Not real-time. Another loop with this deployment's controller and gate, e.g. on a second robot used for
    /// evaluation. Loops sharing a controller must not run at the same time.
    /// </summary>
    public ControlLoop NewLoop(IRobotDriver driver, RobotSpec spec, ControlLoopOptions options, TimeProvider time) =>
        new(driver, spec, Controller, Gate, options, time);

    public void Dispose()
    {
        Current.Dispose();
        FaultWatch?.Dispose();
    }
}

/// <summary>The model files, controller, safety predictor and gate of one deployment (the part a hot reload replaces).</summary>
public sealed record DeploymentParts(DeploymentFiles Files, IController Controller, ISafetyPredictor? Predictor, ICommandGate Gate) : IDisposable
{
    public void Dispose()
    {
        Controller.Dispose();
        (Predictor as IDisposable)?.Dispose();
    }
}
