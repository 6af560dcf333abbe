using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Robotics.Drivers.Resilience;

/// <summary>
/// Builds the Polly pipeline every reconnect attempt runs through: retry (outermost, jittered exponential
/// backoff, until cancelled) -> circuit breaker -> per-attempt timeout (innermost).
/// </summary>
public static class ReconnectPipeline
{
    public static ResiliencePipeline Create(ReconnectOptions options, TimeProvider time, ILogger logger, string what)
    {
        options.Validate();
        Func<double> jitter = options.JitterSeed is int seed ? new Random(seed).NextDouble : Random.Shared.NextDouble;
        // Cancellation of the caller's token means shutdown: never retried. Any other cancellation (a client
        // library's own connect timeout surfaces as TaskCanceledException) is a failed attempt like any other.
        static ValueTask<bool> Failed(Outcome<object> outcome, ResilienceContext context) =>
            ValueTask.FromResult(outcome.Exception is { } e
                                 && !(e is OperationCanceledException && context.CancellationToken.IsCancellationRequested));
        return new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = static args => Failed(args.Outcome, args.Context),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.InitialDelay,
                MaxDelay = options.MaxDelay,
                Randomizer = jitter,
                OnRetry = args =>
                {
                    logger.LogInformation("{What}: connect attempt {Attempt} failed ({Error}); next in {DelayMs:F0} ms",
                        what, args.AttemptNumber + 1, args.Outcome.Exception?.Message, args.RetryDelay.TotalMilliseconds);
                    return default;
                },
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = static args => Failed(args.Outcome, args.Context),
                FailureRatio = options.BreakerFailureRatio,
                MinimumThroughput = options.BreakerMinimumThroughput,
                SamplingDuration = options.BreakerSamplingDuration,
                BreakDuration = options.BreakDuration,
                OnOpened = args =>
                {
                    logger.LogWarning("{What}: connect circuit open for {BreakMs:F0} ms", what, args.BreakDuration.TotalMilliseconds);
                    return default;
                },
            })
            .AddTimeout(new TimeoutStrategyOptions { Timeout = options.AttemptTimeout })
            .Build();
    }
}
