namespace Robotics.Core.Onnx.Recurrent;

/// <summary>Input and output names of the recurrent policy's step graph.</summary>
public static class RecurrentPolicyGraphNames
{
    public const string Obs = "obs", IsFirst = "is_first", Deter = "deter", Stoch = "stoch", PrevAction = "prev_action";
    public const string StochNoise = "stoch_noise", ActionNoise = "action_noise";
    public const string NextDeter = "next_deter", NextStoch = "next_stoch", Action = "action", ActionMean = "action_mean";
    /// <summary>The step graph's file in a model directory (it carries the card).</summary>
    public const string PolicyFile = "policy.onnx";
}

/// <summary>
/// The only builder of the recurrent policy's step graph (opset 17, no random operators). One control tick:
/// <c>obs</c> [N, obs], <c>is_first</c> [N, 1] (1 at an episode's first tick), the carried state <c>deter</c>
/// [N, D] and <c>stoch</c> [N, S x C], <c>prev_action</c> [N, A] (the action the robot was last sent, in [-1, 1]),
/// <c>stoch_noise</c> [N, S] uniform in (0, 1), <c>action_noise</c> [N, A] standard normal ->
/// <c>next_deter</c>, <c>next_stoch</c> (the posterior state to carry), <c>action</c> = clip(mean + std noise,
/// -1, 1) and <c>action_mean</c>. On is_first the state and previous action are zeroed first (the RSSM's initial
/// state). The categorical sample is the inverse CDF of the unimixed probabilities at the uniform noise (one-hot;
/// the trainer draws the same way), so the trainer and the runtime take the same latents given the same noise.
/// </summary>
public static class RecurrentPolicyGraph
{
    public static OnnxModel Build(RecurrentPolicyParameters p, IReadOnlyDictionary<string, string>? metadata = null, string producerVersion = "")
    {
        p.Validate();
        var g = new OnnxGraphBuilder("recurrent_policy_step");
        var c = new Ctx(g, p);
        var obs = g.Input(RecurrentPolicyGraphNames.Obs, ["N", p.ObsDim]);
        var isFirst = g.Input(RecurrentPolicyGraphNames.IsFirst, ["N", 1]);
        var deter = g.Input(RecurrentPolicyGraphNames.Deter, ["N", p.Deter]);
        var stoch = g.Input(RecurrentPolicyGraphNames.Stoch, ["N", p.StochFlat]);
        var prev = g.Input(RecurrentPolicyGraphNames.PrevAction, ["N", p.ActDim]);
        var uz = g.Input(RecurrentPolicyGraphNames.StochNoise, ["N", p.Stoch]);
        var ua = g.Input(RecurrentPolicyGraphNames.ActionNoise, ["N", p.ActDim]);

        var keep = g.Sub(g.Const(1f), isFirst);
        var h = c.Core(g.Mul(deter, keep), g.Mul(stoch, keep), g.Mul(prev, keep));
        var embed = c.Encode(obs);
        var logits = c.Chain(p.Posterior, g.Concat(1, h, embed), "post");
        var z = c.Sample(logits, uz);
        var (action, mean) = c.Act(g.Concat(1, h, z), ua);
        g.Output(RecurrentPolicyGraphNames.NextDeter, g.Identity(h), ["N", p.Deter]);
        g.Output(RecurrentPolicyGraphNames.NextStoch, z, ["N", p.StochFlat]);
        g.Output(RecurrentPolicyGraphNames.Action, action, ["N", p.ActDim]);
        g.Output(RecurrentPolicyGraphNames.ActionMean, mean, ["N", p.ActDim]);
        return g.ToModel(metadata, producerVersion);
    }

    private sealed class Ctx(OnnxGraphBuilder g, RecurrentPolicyParameters p)
    {
        public OnnxValue Dense(DenseLayer l, OnnxValue x, string name)
        {
            var y = g.Add(g.MatMul(x, g.Initializer($"{name}.w", l.W, l.In, l.Out)), g.Initializer($"{name}.b", l.B, l.Out));
            return l.NormScale is { } s ? g.Silu(RmsNorm(y, g.Initializer($"{name}.norm", s, l.Out))) : y;
        }

        public OnnxValue Chain(DenseLayer[] ls, OnnxValue x, string name)
        {
            for (int i = 0; i < ls.Length; i++) x = Dense(ls[i], x, $"{name}{i}");
            return x;
        }

        /// <summary>x / sqrt(mean(x^2) + eps) * scale over the last axis.</summary>
        public OnnxValue RmsNorm(OnnxValue x, OnnxValue scale) =>
            g.Mul(g.Div(x, g.Sqrt(g.Add(g.ReduceMean(g.Mul(x, x), [-1]), g.Const(p.NormEps)))), scale);

        /// <summary>symlog(obs) through the encoder's layers.</summary>
        public OnnxValue Encode(OnnxValue obs) =>
            Chain(p.Encoder, g.Mul(g.Sign(obs), g.Log(g.Add(g.Abs(obs), g.Const(1f)))), "enc");

        /// <summary>x [N, g, In] -> [N, g, Out] (per-block MatMul in [g, N, In] layout), flattened to [N, g * Out] plus bias.</summary>
        private OnnxValue Block(BlockLayer l, OnnxValue grouped, string name)
        {
            var y = g.MatMul(g.Transpose(grouped, 1, 0, 2), g.Initializer($"{name}.w", l.W, l.Blocks, l.In, l.Out));
            var flat = g.Add(g.Reshape(g.Transpose(y, 1, 0, 2), -1, l.Blocks * l.Out), g.Initializer($"{name}.b", l.B, l.Blocks * l.Out));
            return l.NormScale is { } s ? g.Silu(RmsNorm(flat, g.Initializer($"{name}.norm", s, l.Blocks * l.Out))) : flat;
        }

        /// <summary>The RSSM's recurrent step: (deter, stoch, action) -> next deter (block GRU, update gate biased by -1).</summary>
        public OnnxValue Core(OnnxValue deter, OnnxValue stoch, OnnxValue action)
        {
            int blocks = p.Blocks, per = p.Deter / blocks;
            action = g.Div(action, g.Max(g.Const(1f), g.Abs(action)));
            var x0 = Dense(p.DynInDeter, deter, "dynin0");
            var x1 = Dense(p.DynInStoch, stoch, "dynin1");
            var x2 = Dense(p.DynInAction, action, "dynin2");
            var x = g.Tile(g.Unsqueeze(g.Concat(1, x0, x1, x2), 1), g.ConstInt64(1, blocks, 1));
            var grouped = g.Concat(2, g.Reshape(deter, -1, blocks, per), x);
            for (int i = 0; i < p.DynHidden.Length; i++)
                grouped = g.Reshape(Block(p.DynHidden[i], grouped, $"dynhid{i}"), -1, blocks, per);
            var gates = g.Split(g.Reshape(Block(p.DynGru, grouped, "dyngru"), -1, blocks, 3 * per), 2, per, per, per);
            var reset = g.Sigmoid(g.Reshape(gates[0], -1, p.Deter));
            var cand = g.Tanh(g.Mul(reset, g.Reshape(gates[1], -1, p.Deter)));
            var update = g.Sigmoid(g.Sub(g.Reshape(gates[2], -1, p.Deter), g.Const(1f)));
            return g.Add(g.Mul(update, cand), g.Mul(g.Sub(g.Const(1f), update), deter));
        }

        /// <summary>
        /// Logits [N, S x C] -> one-hot [N, S x C]: probs = (1 - unimix) softmax + unimix / C; class k is taken when
        /// cdf_{k-1} &lt;= u &lt; cdf_k (the last class also above cdf's rounding of 1).
        /// </summary>
        public OnnxValue Sample(OnnxValue logits, OnnxValue u)
        {
            int s = p.Stoch, k = p.Classes;
            var probs = g.Add(g.Mul(g.Softmax(g.Reshape(logits, -1, s, k), -1), g.Const(1f - p.Unimix)), g.Const(p.Unimix / k));
            var cdf = g.MatMul(probs, g.Const(CdfMatrix(k), k, k));
            var below = g.Cast(g.Less(g.Unsqueeze(u, 2), cdf), OnnxDataType.Float); // 1 for classes >= the sample
            var zeros = g.Mul(g.Slice(below, [0], [1], [2]), g.Const(0f));
            var shifted = g.Concat(2, zeros, g.Slice(below, [0], [k - 1], [2]));
            return g.Reshape(g.Sub(below, shifted), -1, s * k);
        }

        public (OnnxValue Action, OnnxValue Mean) Act(OnnxValue feat, OnnxValue noise)
        {
            var parts = g.Split(Chain(p.Actor, feat, "actor"), 1, p.ActDim, p.ActDim);
            var mean = g.Tanh(parts[0]);
            var std = g.Add(g.Mul(g.Sigmoid(g.Add(parts[1], g.Const(2f))), g.Const(p.MaxStd - p.MinStd)), g.Const(p.MinStd));
            return (g.Clip(g.Add(mean, g.Mul(std, noise)), -1f, 1f), mean);
        }
    }

    /// <summary>
    /// [C, C] with ones where row &lt;= column (probs x it = the running sum), the last column 2 (so the last class
    /// catches u above the rounded total): the same matrix the trainer multiplies with.
    /// </summary>
    public static float[] CdfMatrix(int classes)
    {
        var m = new float[classes * classes];
        for (int r = 0; r < classes; r++)
            for (int c = r; c < classes; c++) m[r * classes + c] = 1f;
        for (int r = 0; r < classes; r++) m[r * classes + classes - 1] = 2f;
        return m;
    }
}
