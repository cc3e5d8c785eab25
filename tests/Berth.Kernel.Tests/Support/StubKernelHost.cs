using System.Text.Json;
using Berth.Sdk;
using Berth.Sdk.Kernel;

namespace Berth.Kernel.Tests.Support;

/// <summary>The kernel surface served to plugins; the supervisor tests' plugins do not call back.</summary>
internal sealed class StubKernelHost : IKernelHost
{
    public Task<DaemonDescription> DescribeAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new DaemonDescription("id", "test", "0.1.0", "/var/lib/berth", "/run/berth", new Dictionary<string, string>()));

    public Task PublishEventAsync(PluginEvent pluginEvent, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<string> CreateContainerAsync(string? name, JsonElement config, CancellationToken cancellationToken) => throw BerthException.NotImplemented("stub");

    public Task StartContainerAsync(string idOrName, CancellationToken cancellationToken) => throw BerthException.NotImplemented("stub");

    public Task StopContainerAsync(string idOrName, int? timeoutSeconds, CancellationToken cancellationToken) => throw BerthException.NotImplemented("stub");

    public Task RemoveContainerAsync(string idOrName, bool force, CancellationToken cancellationToken) => throw BerthException.NotImplemented("stub");

    public Task<JsonElement> InspectContainerAsync(string idOrName, CancellationToken cancellationToken) => throw BerthException.NotImplemented("stub");

    public Task<Stream> ReadContainerLogsAsync(string idOrName, Berth.Sdk.Logging.ReadConfig config, CancellationToken cancellationToken) => throw BerthException.NotImplemented("stub");
}
