using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Kernel.Config;
using Berth.Kernel.Runtime;
using Berth.Kernel.Runtime.Monitor;
using Berth.Kernel.Runtime.Spec;
using Berth.Sdk;

namespace Berth.Kernel.Containers.Exec;

/// <summary>
/// <c>docker exec</c>: each exec runs under its own conmon (runc exec), started only once the caller is attached to
/// its socket, so no output is lost. Exec records live in memory, as Moby's, and go with their container.
/// </summary>
public sealed class ExecService(ContainerService containers, DaemonConfigHolder config)
{
    private readonly ConcurrentDictionary<string, ExecInstance> execs = new(StringComparer.Ordinal);

    public ExecInstance Create(string containerIdOrName, JsonObject body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var container = containers.Get(containerIdOrName);
        if (!container.State.Running) throw BerthException.Conflict($"Container {container.Id} is not running");
        if (container.State.Paused) throw BerthException.Conflict($"Container {container.Id} is paused, unpause the container before exec");
        if (container.State.Restarting) throw BerthException.Conflict($"Container {container.Id} is restarting, wait until the container is running");
        var instance = new ExecInstance { Id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)), ContainerId = container.Id, Config = body };
        if (instance.Cmd.Count == 0) throw BerthException.Invalid("No exec command specified");
        execs[instance.Id] = instance;
        containers.Events.Publish(container, "exec_create: " + string.Join(' ', instance.Cmd), new Dictionary<string, string> { ["execID"] = instance.Id });
        return instance;
    }

    public ExecInstance Get(string id) =>
        execs.TryGetValue(id, out var instance) ? instance : throw BerthException.NotFound($"No such exec instance: {id}");

    public IReadOnlyList<string> IdsOf(string containerId) => execs.Values.Where(e => e.ContainerId == containerId).Select(e => e.Id).ToList();

    /// <summary>Prepares the exec's monitor; the caller attaches to <see cref="ExecSession.Request"/>'s socket, then calls <see cref="RunAsync"/>.</summary>
    public async Task<ExecSession> PrepareAsync(ExecInstance instance, bool tty, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var container = containers.Get(instance.ContainerId);
        if (!container.State.Running) throw BerthException.Conflict($"Container {container.Id} is not running");
        lock (instance)
        {
            if (instance.Started) throw BerthException.Conflict($"Error: Exec command {instance.Id} has already run");
            instance.Started = true;
        }
        var paths = containers.Runtime.PathsOf(container.Id);
        var request = new ExecMonitorRequest(paths, instance.Id, OciRuntime.Resolve(config.Current, container.RuntimeName), tty, instance.AttachStdin);
        Directory.CreateDirectory(request.Bundle);
        var spec = JsonNode.Parse(await File.ReadAllBytesAsync(paths.Spec, cancellationToken).ConfigureAwait(false))!.AsObject();
        var process = OciSpecBuilder.BuildExecProcess(spec["process"]!.AsObject(), ExecRequestOf(instance, container, tty), paths.Rootfs);
        await File.WriteAllBytesAsync(request.ProcessSpec, JsonSerializer.SerializeToUtf8Bytes(process), cancellationToken).ConfigureAwait(false);
        return await containers.Runtime.Monitor.PrepareExecAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs a prepared exec until it ends; <paramref name="relay"/> carries its stdio meanwhile.</summary>
    public async Task<int> RunAsync(ExecInstance instance, ExecSession session, Func<Task> relay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(relay);
        var container = containers.Get(instance.ContainerId);
        var command = string.Join(' ', instance.Cmd);
        var attributes = new Dictionary<string, string> { ["execID"] = instance.Id };
        try
        {
            instance.Pid = await session.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (BerthException)
        {
            instance.ExitCode = 126;
            throw;
        }
        instance.Running = true;
        containers.Events.Publish(container, "exec_start: " + command, attributes);
        await relay().ConfigureAwait(false);
        var code = await session.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        instance.Running = false;
        instance.ExitCode = code;
        Cleanup(session);
        containers.Events.Publish(container, "exec_die", new Dictionary<string, string>(attributes) { ["exitCode"] = code.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        return code;
    }

    /// <summary>Runs a command in the container without a client (health checks), keeping the first 4 KiB of its output.</summary>
    public async Task<(int ExitCode, string Output)> RunCapturedAsync(Container container, IReadOnlyList<string> command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(container);
        var body = new JsonObject
        {
            ["Cmd"] = new JsonArray([.. command.Select(c => (JsonNode?)c)]),
            ["AttachStdout"] = true,
            ["AttachStderr"] = true,
        };
        var instance = new ExecInstance { Id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)), ContainerId = container.Id, Config = body };
        using var session = await PrepareAsync(instance, tty: false, cancellationToken).ConfigureAwait(false);
        using var monitor = await AttachConnection.ConnectAsync(session.Request.AttachSocket, cancellationToken).ConfigureAwait(false);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var output = new StringBuilder();
        var buffer = new byte[8192 + 1];
        try
        {
            var code = await RunAsync(instance, session, async () =>
            {
                while (await monitor.ReceiveAsync(buffer, deadline.Token).ConfigureAwait(false) is { } packet)
                    if (output.Length < 4096) output.Append(Encoding.UTF8.GetString(buffer, 0, Math.Min(packet.Length, 4096 - output.Length)));
            }, deadline.Token).ConfigureAwait(false);
            return (code, output.ToString());
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (-1, $"Health check exceeded timeout ({timeout.TotalSeconds}s)");
        }
    }

    /// <summary>Drops the exec records of a container that went away.</summary>
    public void Forget(string containerId)
    {
        foreach (var id in IdsOf(containerId)) execs.TryRemove(id, out _);
    }

    private static void Cleanup(ExecSession session)
    {
        session.Dispose();
        try
        {
            Directory.Delete(session.Request.Bundle, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static ExecRequest ExecRequestOf(ExecInstance instance, Container container, bool tty) => new(
        instance.Cmd,
        JsonRead.Strings(instance.Config, "Env"),
        instance.User,
        instance.Config["WorkingDir"]?.GetValue<string>() ?? "",
        tty,
        instance.Privileged,
        JsonRead.NullableStrings(container.HostConfig, "GroupAdd"));
}
