using System.Globalization;

namespace Robotics.Sim.Environments.Faults;

/// <summary>The faults a virtual robot can inject.</summary>
public enum FaultKind
{
    /// <summary>Actuator gain loss: the applied action is factor x the commanded one (e.g. 0.5 = 50% loss).</summary>
    Gain,
    /// <summary>Stuck actuator: from the start step the dimension holds the action applied just before (or value=...).</summary>
    Stuck,
    /// <summary>Added latency: actions are applied steps=N control periods late (the safe action fills the gap).</summary>
    Delay,
    /// <summary>Dropped states: with probability p a step reports the previous observation again.</summary>
    Drop,
    /// <summary>Sensor noise: N(0, std^2) added to the observed dimension(s).</summary>
    Noise,
    /// <summary>Sensor bias: value added to the observed dimension(s).</summary>
    Bias,
}

/// <summary>
/// One fault, parsed from <c>KIND[:key=value,...]</c> (e.g. <c>gain:factor=0.5,dim=0,start=100</c>,
/// <c>stuck:start=50</c>, <c>delay:steps=2</c>, <c>drop:p=0.2</c>, <c>noise:std=0.05,dim=2</c>,
/// <c>bias:value=0.1</c>). Keys: start (episode step from which it acts, default 0), dim (action or
/// observation dimension, default all), factor, value, steps, p, std. Immutable; validated on parse.
/// </summary>
public sealed record FaultSpec
{
    public required FaultKind Kind { get; init; }
    /// <summary>Episode step (0-based, counted from the reset) from which the fault acts.</summary>
    public int Start { get; init; }
    /// <summary>Dimension it acts on; -1 = all.</summary>
    public int Dim { get; init; } = -1;
    public double Factor { get; init; } = 0.5;
    /// <summary>Stuck: the held value (null = the action applied before the start); bias: the offset.</summary>
    public double? Value { get; init; }
    public int Steps { get; init; } = 1;
    public double Probability { get; init; } = 0.1;
    public double Std { get; init; } = 0.01;

    /// <summary>Not real-time. Parses one fault; <see cref="ArgumentException"/> with one line naming the problem.</summary>
    public static FaultSpec Parse(string text)
    {
        string[] head = text.Split(':', 2);
        FaultKind kind = head[0].Trim().ToLowerInvariant() switch
        {
            "gain" => FaultKind.Gain, "stuck" => FaultKind.Stuck, "delay" => FaultKind.Delay,
            "drop" => FaultKind.Drop, "noise" => FaultKind.Noise, "bias" => FaultKind.Bias,
            var k => throw new ArgumentException($"--fault '{text}': unknown kind '{k}' (known: gain, stuck, delay, drop, noise, bias)"),
        };
        var f = new FaultSpec { Kind = kind };
        if (head.Length == 2 && head[1].Length > 0)
            foreach (string pair in head[1].Split(','))
            {
                string[] kv = pair.Split('=', 2);
                if (kv.Length != 2) throw new ArgumentException($"--fault '{text}': '{pair}' is not key=value");
                string key = kv[0].Trim().ToLowerInvariant();
                if (!double.TryParse(kv[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
                    throw new ArgumentException($"--fault '{text}': {key} must be a number, got '{kv[1]}'");
                f = key switch
                {
                    "start" => f with { Start = (int)v },
                    "dim" => f with { Dim = (int)v },
                    "factor" => f with { Factor = v },
                    "value" => f with { Value = v },
                    "steps" => f with { Steps = (int)v },
                    "p" => f with { Probability = v },
                    "std" => f with { Std = v },
                    _ => throw new ArgumentException($"--fault '{text}': unknown key '{key}' (known: start, dim, factor, value, steps, p, std)"),
                };
            }
        return f.Validate(text);
    }

    public FaultSpec Validate(string? text = null)
    {
        string at = $"--fault '{text ?? ToString()}'";
        if (Start < 0) throw new ArgumentException($"{at}: start must be >= 0, got {Start}");
        if (Dim < -1) throw new ArgumentException($"{at}: dim must be >= 0 (or absent for all), got {Dim}");
        if (!double.IsFinite(Factor)) throw new ArgumentException($"{at}: factor must be finite, got {Factor}");
        if (Value is double val && !double.IsFinite(val)) throw new ArgumentException($"{at}: value must be finite, got {val}");
        if (Steps is < 1 or > 1000) throw new ArgumentException($"{at}: steps must be in [1, 1000], got {Steps}");
        if (Probability is < 0 or > 1) throw new ArgumentException($"{at}: p must be in [0, 1], got {Probability}");
        if (!(Std >= 0) || !double.IsFinite(Std)) throw new ArgumentException($"{at}: std must be >= 0, got {Std}");
        return this;
    }

    /// <summary>True for faults on the action path (the rest act on observations).</summary>
    public bool OnActuator => Kind is FaultKind.Gain or FaultKind.Stuck or FaultKind.Delay;

    /// <summary>The canonical text (what the episode metadata records), e.g. "gain:factor=0.5,dim=0,start=100".</summary>
    public override string ToString()
    {
        var inv = CultureInfo.InvariantCulture;
        string dim = Dim >= 0 ? $",dim={Dim}" : "";
        string args = Kind switch
        {
            FaultKind.Gain => $"factor={Factor.ToString(inv)}",
            FaultKind.Stuck => Value is double v ? $"value={v.ToString(inv)}" : "value=last",
            FaultKind.Delay => $"steps={Steps}",
            FaultKind.Drop => $"p={Probability.ToString(inv)}",
            FaultKind.Noise => $"std={Std.ToString(inv)}",
            _ => $"value={(Value ?? 0).ToString(inv)}",
        };
        return $"{Kind.ToString().ToLowerInvariant()}:{args}{dim},start={Start}";
    }
}
