using Robotics.Core.Models;
using Robotics.Runtime.Controllers.EnsembleMpc;

namespace Robotics.Runtime.Controllers;

/// <summary>
/// Maps a model card's kind onto the factory that builds its controller (as Nav2 and ros2_control load
/// controller plug-ins). <see cref="CreateDefault"/> lists the built-in kinds; a test or an embedding
/// application adds its own with <see cref="Add"/>. Not thread-safe while being filled; read-only after.
/// </summary>
public sealed class ControllerRegistry
{
    private readonly Dictionary<string, IControllerFactory> _factories = new(StringComparer.Ordinal);

    /// <summary>The built-in controllers: one line per kind.</summary>
    public static ControllerRegistry CreateDefault() => new ControllerRegistry()
        .Add(new EnsembleMpcFactory())
        .Add(new LatentMpc.LatentMpcFactory())
        .Add(new Policy.PolicyFactory())
        .Add(new RecurrentPolicy.RecurrentPolicyFactory())
        .Add(new Tracking.TrackingFactory());

    /// <summary>Not real-time. Registers <paramref name="factory"/> for its kind; throws when the kind is taken or malformed.</summary>
    public ControllerRegistry Add(IControllerFactory factory)
    {
        if (!ModelKinds.IsWellFormed(factory.Kind))
            throw new ArgumentException($"controller registry: kind '{factory.Kind}' is not a lower-case kebab name");
        if (!_factories.TryAdd(factory.Kind, factory))
            throw new ArgumentException($"controller registry: kind '{factory.Kind}' is already registered ({_factories[factory.Kind].GetType().Name})");
        return this;
    }

    public IReadOnlyCollection<string> Kinds => _factories.Keys;

    public bool TryGet(string kind, out IControllerFactory factory) => _factories.TryGetValue(kind, out factory!);

    /// <summary>Not real-time. The factory for <paramref name="kind"/>; <see cref="InvalidDataException"/> on one line when none is registered.</summary>
    public IControllerFactory Get(string kind) =>
        _factories.TryGetValue(kind, out var f)
            ? f
            : throw new InvalidDataException($"model kind '{kind}' has no controller in this build (known: {string.Join(", ", _factories.Keys.Order())})");
}
