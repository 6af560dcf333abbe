namespace Robotics.Trainer.Safety;

/// <summary>One round of closed-loop calibration: the controller's recorded episodes and the gate they ran under.</summary>
/// <param name="Index">0: the controller without the uncertainty veto; k > 0: gated at round k-1's threshold.</param>
/// <param name="Dir">The folder the round's episodes were recorded to.</param>
/// <param name="GateThreshold">The veto threshold the round ran under (null: no veto).</param>
/// <param name="Ticks">Gate decisions in the round.</param>
/// <param name="Vetoes">Ticks the uncertainty veto acted on (hysteresis included).</param>
public sealed record CalibrationRound(int Index, string Dir, double? GateThreshold, long Ticks, long Vetoes)
{
    public double VetoRate => Ticks == 0 ? 0 : Vetoes / (double)Ticks;
}

/// <summary>What closed-loop calibration chose.</summary>
/// <param name="Calibration">The re-calibration whose model is the result.</param>
/// <param name="Rounds">Every round run, in order.</param>
/// <param name="Verified">True when a gated round ran at the chosen threshold and vetoed at most the target rate of its ticks.</param>
public sealed record ClosedLoopResult(RecalibrationResult Calibration, IReadOnlyList<CalibrationRound> Rounds, bool Verified);

/// <summary>
/// Calibration on the gated controller's own distribution. A threshold calibrated on the controller's unvetoed episodes
/// is exact only up to the first veto: after it the fallback steers the robot where the unvetoed controller does not
/// go, U is higher there, and vetoes cascade (cart-pole swing-up: 0.8% of ticks replayed on the unvetoed episodes, 3.2%
/// live). So round 0 runs the controller without the veto and calibrates; each gated round runs it at the latest
/// threshold on fresh start states; a round that vetoes at most the target rate of its ticks ends the search with the
/// threshold it ran under (verified), otherwise every round so far is pooled and re-calibrated. After the last gated
/// round the last threshold is kept, unverified. Each pooled round only adds states the gate visits, so thresholds
/// grow towards the deployed distribution's and the out-of-distribution probe is what bounds how far. Not real-time.
/// </summary>
public static class ClosedLoopCalibration
{
    /// <summary>Runs round <paramref name="round"/>'s episodes gated by <paramref name="gatedModel"/> (null: without the veto) and records them.</summary>
    public delegate Task<CalibrationRound> RoundRunner(int round, RecalibrationResult? gatedModel, CancellationToken ct);

    /// <summary>Re-calibrates on the episodes of <paramref name="dirs"/> (every round so far), writing round <paramref name="round"/>'s model.</summary>
    public delegate RecalibrationResult Recalibrator(IReadOnlyList<string> dirs, int round);

    /// <param name="gatedRounds">Gated rounds after round 0 (0: calibration on the unvetoed episodes alone).</param>
    /// <param name="targetRate">The share of a gated round's ticks that may be vetoed for it to verify its threshold.</param>
    /// <param name="run">Runs and records one round.</param>
    /// <param name="recalibrate">Calibrates on the rounds so far.</param>
    /// <param name="onRound">Told of each round as it ends (progress).</param>
    /// <param name="ct">Stops between and inside rounds.</param>
    public static async Task<ClosedLoopResult> RunAsync(int gatedRounds, double targetRate, RoundRunner run, Recalibrator recalibrate,
                                                        Action<CalibrationRound>? onRound = null, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(gatedRounds);
        if (!(targetRate > 0 && targetRate < 1)) throw new ArgumentOutOfRangeException(nameof(targetRate), $"target rate must be in (0, 1), got {targetRate}");
        var rounds = new List<CalibrationRound>();
        RecalibrationResult? current = null;
        for (int r = 0; r <= gatedRounds; r++)
        {
            var round = await run(r, current, ct).ConfigureAwait(false);
            rounds.Add(round);
            onRound?.Invoke(round);
            if (current is not null && round.VetoRate <= targetRate) return new ClosedLoopResult(current, rounds, Verified: true);
            current = recalibrate(rounds.Select(x => x.Dir).ToList(), r);
        }
        return new ClosedLoopResult(current!, rounds, Verified: false);
    }
}
