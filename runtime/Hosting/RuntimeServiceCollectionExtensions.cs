using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Robotics.Runtime.Robots;
using Robotics.Runtime.Session;

namespace Robotics.Runtime.Hosting;

/// <summary>Registers the runtime as a hosted service in a generic host.</summary>
public static class RuntimeServiceCollectionExtensions
{
    public static IServiceCollection AddRoboticsRuntime(this IServiceCollection services, SessionOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton(sp => new RuntimeHostedService(options, sp.GetRequiredService<ILogger<RuntimeHostedService>>(),
            TimeProvider.System, RobotConnector.Connect));
        services.AddHostedService(sp => sp.GetRequiredService<RuntimeHostedService>());
        return services;
    }
}
