using Robotics.Core.Models;

namespace Robotics.Runtime.Controllers;

/// <summary>
/// Builds the controller for one model kind (a card's <c>kind</c>). A plug-in lives in its own folder under
/// runtime/Controllers/ and is added with one line in <see cref="ControllerRegistry.CreateDefault"/>; the
/// loop, the session, the CLI and the gate do not change.
/// </summary>
public interface IControllerFactory
{
    /// <summary>The card kind this factory serves, e.g. "ensemble-dynamics".</summary>
    string Kind { get; }

    /// <summary>Not real-time. One line for <c>robotics info</c> and start-up: which controller this card gets.</summary>
    string Describe(ModelCard card);

    /// <summary>
    /// Not real-time. Loads the graphs the card lists and builds the controller. Throws
    /// <see cref="InvalidDataException"/> (bad file or graph) or <see cref="ArgumentException"/> (bad
    /// options) with a one-line message, before any command.
    /// </summary>
    IController Create(ControllerContext context);

    /// <summary>
    /// Not real-time. A one-step predictor with a calibrated uncertainty from a file of this kind, for the
    /// gate's model checks; null when the kind cannot predict the next state (the gate then runs without
    /// state limits and the uncertainty veto, and the session says so).
    /// </summary>
    ISafetyPredictor? CreateSafetyPredictor(SafetyPredictorRequest request) => null;
}
