using Berth.Sdk;
using Berth.Sdk.Logging;

[assembly: BerthPlugin(typeof(Berth.TestPlugins.Throwing.ThrowingPlugin))]

namespace Berth.TestPlugins.Throwing;

/// <summary>A log driver whose construction fails: the kernel must refuse it with the reason.</summary>
public sealed class ThrowingPlugin : ILogDriver
{
    public ThrowingPlugin() => throw new InvalidOperationException("this test plugin refuses to load");

    public Task<LogCapabilities> CapabilitiesAsync(CancellationToken cancellationToken) => Task.FromResult(new LogCapabilities(false));
    public Task StartLoggingAsync(string file, LogInfo info, CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopLoggingAsync(string file, CancellationToken cancellationToken) => Task.CompletedTask;
    public Task<Stream> ReadLogsAsync(LogInfo info, ReadConfig config, CancellationToken cancellationToken) => Task.FromResult<Stream>(Stream.Null);
}
