using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Packets;
using MQTTnet.Protocol;
using Polly;
using Robotics.Drivers.Common;
using Robotics.Drivers.Resilience;

namespace Robotics.Drivers.Mqtt;

/// <summary>
/// One MQTT client session that survives broker outages: connects and (re)subscribes through the Polly
/// reconnect pipeline, starts a reconnect when the link drops, and never reconnects after
/// <see cref="CloseAsync"/>. Shared by the runtime's driver and the virtual robot. Not real-time.
/// </summary>
public sealed class MqttConnection : IAsyncDisposable
{
    private readonly MqttConnectionOptions _options;
    private readonly IMqttClient _client;
    private readonly MqttClientOptions _clientOptions;
    private readonly ResiliencePipeline _reconnect;
    private readonly DriverCounters _counters;
    private readonly ILogger _logger;
    private readonly List<MqttTopicFilter> _subscriptions = [];
    private readonly CancellationTokenSource _life = new();
    private readonly object _gate = new();
    private Task _reconnectTask = Task.CompletedTask;
    private bool _reconnecting, _lostAgain; // guarded by _gate
    private volatile bool _closing;

    /// <summary>
    /// <c>onMessage</c> runs on MQTTnet's receive loop for every message and must not block;
    /// <c>onConnected</c> runs after every (re)connect and resubscribe, e.g. to publish a retained status.
    /// </summary>
    public MqttConnection(MqttConnectionOptions options, Action<MqttApplicationMessage> onMessage,
        Func<MqttConnection, CancellationToken, Task>? onConnected, DriverCounters counters, TimeProvider time, ILogger logger)
    {
        _options = options.Validate();
        _counters = counters;
        _logger = logger;
        OnConnected = onConnected;
        _client = new MqttClientFactory().CreateMqttClient();
        _clientOptions = BuildClientOptions(options);
        _reconnect = ReconnectPipeline.Create(options.Reconnect, time, logger, $"mqtt {options.Host}:{options.Port}");
        _client.ApplicationMessageReceivedAsync += e =>
        {
            try { onMessage(e.ApplicationMessage); }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A handler bug must not tear down MQTTnet's receive loop (and with it the session).
                _logger.LogError("mqtt: handling a message on '{Topic}' failed: {Error}", e.ApplicationMessage.Topic, ex.Message);
            }
            return Task.CompletedTask;
        };
        _client.DisconnectedAsync += OnDisconnectedAsync;
    }

    private Func<MqttConnection, CancellationToken, Task>? OnConnected { get; }

    public bool IsConnected => _client.IsConnected;

    /// <summary>The client id the broker assigned (MQTT 5, when we sent none); null otherwise.</summary>
    public string? AssignedClientId { get; private set; }

    /// <summary>Adds a subscription, applied on every (re)connect. Call before <see cref="ConnectAsync"/>.</summary>
    public void Subscribe(string topic, MqttQualityOfServiceLevel qos) =>
        _subscriptions.Add(new MqttTopicFilterBuilder().WithTopic(topic).WithQualityOfServiceLevel(qos).Build());

    /// <summary>First connect, retried through the pipeline until it succeeds or <paramref name="ct"/> fires.</summary>
    public async Task ConnectAsync(CancellationToken ct)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _life.Token);
        await _reconnect.ExecuteAsync(static async (self, token) => await self.ConnectOnceAsync(token), this, linked.Token);
        _logger.LogInformation("mqtt: connected to {Host}:{Port}", _options.Host, _options.Port);
    }

    /// <summary>
    /// Subscribes to one topic again, which makes the broker resend its retained message (a broker may miss
    /// it when the retained publish and our first subscribe race). Throws when disconnected.
    /// </summary>
    public Task ResubscribeAsync(string topic, MqttQualityOfServiceLevel qos, CancellationToken ct) =>
        _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(topic, qos).Build(), ct);

    /// <summary>Publishes; throws when disconnected (callers on the command path check <see cref="IsConnected"/> first).</summary>
    public Task PublishAsync(MqttApplicationMessage message, CancellationToken ct) => _client.PublishAsync(message, ct);

    /// <summary>Publishes; the result carries the broker's reason code (MQTT 5, QoS 1: "not authorized" when the ACL refuses).</summary>
    public Task<MqttClientPublishResult> PublishAsync(string topic, ReadOnlyMemory<byte> payload, MqttQualityOfServiceLevel qos, bool retain, CancellationToken ct) =>
        _client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(new System.Buffers.ReadOnlySequence<byte>(payload))
            .WithQualityOfServiceLevel(qos).WithRetainFlag(retain).Build(), ct);

    /// <summary>
    /// Clean shutdown: stops reconnecting, optionally publishes a last message (e.g. retained "offline"),
    /// then disconnects normally so the broker discards the will. Never throws on a dead link.
    /// </summary>
    public async Task CloseAsync(Func<MqttConnection, CancellationToken, Task>? beforeDisconnect, CancellationToken ct)
    {
        if (_closing) return;
        _closing = true;
        _life.Cancel();
        try { await _reconnectTask.WaitAsync(TimeSpan.FromSeconds(5), ct); }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException) { }
        if (!_client.IsConnected) return;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            if (beforeDisconnect is not null) await beforeDisconnect(this, timeout.Token);
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), timeout.Token);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _logger.LogWarning("mqtt: clean disconnect failed ({Error}); closing anyway", e.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync(null, CancellationToken.None);
        _client.Dispose();
        _life.Dispose();
    }

    private async ValueTask ConnectOnceAsync(CancellationToken ct)
    {
        if (_client.IsConnected) return;
        try
        {
            var result = await _client.ConnectAsync(_clientOptions, ct);
            AssignedClientId = result.AssignedClientIdentifier;
            if (_subscriptions.Count > 0)
            {
                var sub = new MqttClientSubscribeOptions();
                sub.TopicFilters.AddRange(_subscriptions);
                await _client.SubscribeAsync(sub, ct);
            }
            if (OnConnected is not null) await OnConnected(this, ct);
        }
        catch
        {
            // A half-open session (connected, subscribe failed) must not survive into the next attempt.
            if (_client.IsConnected)
                try { await _client.DisconnectAsync(new MqttClientDisconnectOptions(), CancellationToken.None); } catch (Exception) { }
            throw;
        }
    }

    private Task OnDisconnectedAsync(MqttClientDisconnectedEventArgs e)
    {
        if (_closing || !e.ClientWasConnected) return Task.CompletedTask;
        _counters.Inc(ref _counters._disconnects);
        _logger.LogWarning("mqtt: lost {Host}:{Port} ({Reason}: {Error}); reconnecting",
            _options.Host, _options.Port, e.Reason, e.Exception?.Message ?? e.ReasonString);
        lock (_gate)
        {
            // One reconnect loop at a time; a drop while it runs makes it go round again.
            _lostAgain = true;
            if (!_reconnecting)
            {
                _reconnecting = true;
                _reconnectTask = Task.Run(ReconnectLoopAsync);
            }
        }
        return Task.CompletedTask;
    }

    private async Task ReconnectLoopAsync()
    {
        try
        {
            while (true)
            {
                lock (_gate)
                {
                    // Decided under the lock, so a drop reported right now either sees _reconnecting or is seen here.
                    if (_closing || (!_lostAgain && _client.IsConnected)) { _reconnecting = false; return; }
                    _lostAgain = false;
                }
                await _reconnect.ExecuteAsync(static async (self, token) => await self.ConnectOnceAsync(token), this, _life.Token);
                _counters.Inc(ref _counters._reconnects);
                _logger.LogInformation("mqtt: reconnected to {Host}:{Port}", _options.Host, _options.Port);
            }
        }
        catch (OperationCanceledException) when (_closing) { lock (_gate) _reconnecting = false; }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Only reachable if the pipeline gives up, which the infinite retry does not; log, never throw into the void.
            lock (_gate) _reconnecting = false;
            _logger.LogError("mqtt: reconnect gave up: {Error}", e.Message);
        }
    }

    private static MqttClientOptions BuildClientOptions(MqttConnectionOptions o)
    {
        var b = new MqttClientOptionsBuilder()
            .WithTcpServer(o.Host, o.Port)
            .WithProtocolVersion(o.ProtocolVersion)
            .WithKeepAlivePeriod(o.KeepAlive)
            .WithTimeout(o.Reconnect.AttemptTimeout)
            .WithCleanSession(true)
            .WithClientId(o.ClientId);
        if (o.Username is not null) b = b.WithCredentials(o.Username, o.Password?.Reveal() ?? "");
        // MQTT 5: the broker must not send us anything bigger (a 17.9 MB retained spec is never delivered).
        b = b.WithMaximumPacketSize((uint)o.MaxPacketSize);
        if (o.Will is { } will)
            b = b.WithWillTopic(will.Topic).WithWillPayload(will.Payload).WithWillRetain(will.Retain)
                 .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
        if (o.Tls.Enabled) b = b.WithTlsOptions(BuildTls(o));
        return b.Build();
    }

    private static bool ValidateAgainst(X509Certificate2Collection roots, MqttClientCertificateValidationEventArgs args)
    {
        // Name mismatches and missing certificates fail regardless of the chain.
        if ((args.SslPolicyErrors & (System.Net.Security.SslPolicyErrors.RemoteCertificateNameMismatch
                                     | System.Net.Security.SslPolicyErrors.RemoteCertificateNotAvailable)) != 0) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (args.Chain is not null)
            foreach (var element in args.Chain.ChainElements) chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        using var leaf = new X509Certificate2(args.Certificate);
        return chain.Build(leaf);
    }

    private static MqttClientTlsOptions BuildTls(MqttConnectionOptions o)
    {
        var tls = new MqttClientTlsOptionsBuilder()
            .UseTls(true)
            .WithTargetHost(o.Tls.TargetHost ?? o.Host)
            .WithAllowUntrustedCertificates(o.Tls.AllowUntrustedCertificates)
            .WithIgnoreCertificateChainErrors(o.Tls.AllowUntrustedCertificates);
        if (o.Tls.CaCertificateFile is { } ca && !o.Tls.AllowUntrustedCertificates)
        {
            // A private CA: validate the broker's chain against it alone (not the system store), name included.
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(ca);
            tls = tls.WithTrustChain(roots).WithCertificateValidationHandler(args => ValidateAgainst(roots, args));
        }
        if (o.Tls.ClientCertificateFile is { } cert)
            tls = tls.WithClientCertificates(new X509Certificate2Collection(X509Certificate2.CreateFromPemFile(cert, o.Tls.ClientKeyFile)));
        return tls.Build();
    }
}
