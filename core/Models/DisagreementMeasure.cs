namespace Robotics.Core.Models;

/// <summary>
/// How the ensemble's step graph turns its members' normalised predicted observation changes mu_1..mu_K into the
/// disagreement D (the safety gate's uncertainty U and the planners' penalty/bonus). Written in the card as
/// <c>ensemble.disagreement</c>; a card without the field was exported before it existed and means
/// <see cref="MaxMemberL2"/> (the only measure graphs had then).
/// </summary>
public enum DisagreementMeasure
{
    /// <summary>max over members of || mu_k - mean(mu) ||_2 ("max-member-l2"): graphs exported before issue 19.</summary>
    MaxMemberL2,
    /// <summary>
    /// sqrt(sum over dims of the members' (population) variance) = RMS over members of || mu_k - mean(mu) ||_2
    /// ("total-std"): measured to separate in- from out-of-distribution best on every built-in robot (docs/RESULTS.md).
    /// </summary>
    TotalStd,
}

/// <summary>Card names of <see cref="DisagreementMeasure"/>.</summary>
public static class DisagreementMeasures
{
    public const string MaxMemberL2 = "max-member-l2", TotalStd = "total-std";
    /// <summary>What new exports write.</summary>
    public const DisagreementMeasure Default = DisagreementMeasure.TotalStd;
    public static readonly string[] Names = [MaxMemberL2, TotalStd];

    public static string Name(this DisagreementMeasure m) => m switch
    {
        DisagreementMeasure.MaxMemberL2 => MaxMemberL2,
        DisagreementMeasure.TotalStd => TotalStd,
        _ => throw new ArgumentOutOfRangeException(nameof(m), m, null),
    };

    public static bool TryParse(string? name, out DisagreementMeasure m)
    {
        switch (name)
        {
            case MaxMemberL2: m = DisagreementMeasure.MaxMemberL2; return true;
            case TotalStd: m = DisagreementMeasure.TotalStd; return true;
            default: m = default; return false;
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> (one line, naming the known measures) for an unknown name.</summary>
    public static DisagreementMeasure Parse(string? name) => TryParse(name, out var m)
        ? m
        : throw new ArgumentException($"unknown disagreement measure '{name}' (known: {string.Join(", ", Names)})");
}
