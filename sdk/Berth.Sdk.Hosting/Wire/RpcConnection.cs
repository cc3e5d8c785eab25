using System.Text.Json;
using Nerdbank.Streams;
using StreamJsonRpc;

namespace Berth.Sdk.Hosting.Wire;

/// <summary>
/// One end of a plugin pipe: a MultiplexingStream (v3, channel 0 seeded for JSON-RPC, further channels
/// carry Stream arguments) with length-prefixed System.Text.Json messages on top.
/// </summary>
public sealed class RpcConnection : IAsyncDisposable
{
    private RpcConnection(MultiplexingStream mux, JsonRpc rpc)
    {
        Multiplexer = mux;
        Rpc = rpc;
    }

    public MultiplexingStream Multiplexer { get; }

    public JsonRpc Rpc { get; }

    /// <summary>Completes when the connection ends for any reason.</summary>
    public Task Completion => Rpc.Completion;

    /// <summary>
    /// Wraps a duplex stream. Register targets on <see cref="Rpc"/>, then call <see cref="JsonRpc.StartListening"/>.
    /// </summary>
    public static RpcConnection Create(Stream duplex)
    {
        ArgumentNullException.ThrowIfNull(duplex);
        var options = new MultiplexingStream.Options
        {
            ProtocolMajorVersion = 3,
            SeededChannels = { new MultiplexingStream.ChannelOptions() },
        };
        var mux = MultiplexingStream.Create(duplex, options);
        var channel = mux.AcceptChannel(0);
        var formatter = new SystemTextJsonFormatter
        {
            MultiplexingStream = mux,
            JsonSerializerOptions = WireJson.CreateOptions(),
        };
        var handler = new LengthHeaderMessageHandler(channel, formatter);
        var rpc = new BerthJsonRpc(handler)
        {
            // Requests dispatch concurrently: a slow call must not hold up pings or other calls.
            SynchronizationContext = null,
            CancelLocallyInvokedMethodsWhenConnectionIsClosed = true,
        };
        return new RpcConnection(mux, rpc);
    }

    public async ValueTask DisposeAsync()
    {
        Rpc.Dispose();
        await Multiplexer.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>JSON settings shared by both ends: Docker's PascalCase field names, enums as strings.</summary>
public static class WireJson
{
    public static JsonSerializerOptions CreateOptions() => new(JsonSerializerDefaults.General)
    {
        PropertyNamingPolicy = null,
        DictionaryKeyPolicy = null,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };
}
