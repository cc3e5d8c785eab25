using Berth.Kernel.Config;
using Berth.Kernel.Runtime.Monitor;

namespace Berth.Kernel.Runtime;

/// <summary>The runtime layer as the container service sees it: conmon to start processes, the runtime's verbs, exit notices.</summary>
public sealed class ContainerRuntime : IDisposable
{
    public ContainerRuntime(DaemonConfig config, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(config);
        ExecRoot = config.ExecRoot;
        Monitor = new ConmonLauncher(OciRuntime.Locate("conmon"));
        Cli = new RuntimeCli(ExecRoot);
        Exits = new ExitWatcher(ExecRoot, time);
    }

    public string ExecRoot { get; }
    public ConmonLauncher Monitor { get; }
    public RuntimeCli Cli { get; }
    public ExitWatcher Exits { get; }

    public RuntimePaths PathsOf(string id) => new(ExecRoot, id);

    public void Dispose() => Exits.Dispose();
}
