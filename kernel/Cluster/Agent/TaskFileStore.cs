using System.Globalization;
using System.Text.Json;
using Berth.Sdk;
using Berth.Sdk.Cluster;
using Berth.Sdk.Storage;

namespace Berth.Kernel.Cluster.Agent;

/// <summary>A secret or config file to bind-mount read-only into a task's container.</summary>
public sealed record TaskFileMount(string Source, string Target);

/// <summary>
/// The files behind a task's secrets and configs, under <c>&lt;exec-root&gt;/swarm/tasks/&lt;task-id&gt;/</c>: one file
/// per reference, with the reference's mode and owner, bind-mounted read-only into the container (secrets at
/// <c>/run/secrets/&lt;name&gt;</c>, configs at <c>/&lt;name&gt;</c>, or the absolute path given). The exec root is a
/// tmpfs on most hosts (Moby mounts a tmpfs per container for secrets); the files are deleted with the container and
/// rewritten before every start, so a reboot that emptied the exec root does not leave the mounts without a source.
/// </summary>
public sealed class TaskFileStore(string root)
{
    public const string SecretsPath = "/run/secrets";
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const int DefaultMode = 0x124; // 0444

    public string Root { get; } = root;

    public string DirectoryOf(string taskId) => Path.Combine(Root, taskId);

    /// <summary>Writes every secret and config the task references.</summary>
    /// <exception cref="BerthException">A referenced payload is not among the assignments, or a target is not a clean absolute path.</exception>
    public async Task<IReadOnlyList<TaskFileMount>> WriteAsync(TaskAssignment assignment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        var task = assignment.Task;
        var mounts = new List<TaskFileMount>();
        var index = 0;
        foreach (var reference in task.ContainerSpec.Items("Secrets"))
        {
            var id = reference.String("SecretID") ?? "";
            var name = reference.String("SecretName") ?? id;
            if (!assignment.Secrets.TryGetValue(id, out var payload))
                throw BerthException.NotFound($"secret {name} ({id}) is not among this node's assignments");
            mounts.Add(await WriteOneAsync(task.Id, "secrets", index++, payload, reference, SecretsPath, cancellationToken).ConfigureAwait(false));
        }
        index = 0;
        foreach (var reference in task.ContainerSpec.Items("Configs"))
        {
            if (reference.Child("File") is null) continue; // a Runtime config (credential spec) is not a file
            var id = reference.String("ConfigID") ?? "";
            var name = reference.String("ConfigName") ?? id;
            if (!assignment.Configs.TryGetValue(id, out var payload))
                throw BerthException.NotFound($"config {name} ({id}) is not among this node's assignments");
            mounts.Add(await WriteOneAsync(task.Id, "configs", index++, payload, reference, "/", cancellationToken).ConfigureAwait(false));
        }
        return mounts;
    }

    /// <summary>Where a reference's file appears in the container (Moby's getSecretTargetPath / getConfigTargetPath).</summary>
    public static string TargetOf(JsonElement reference, string defaultDirectory)
    {
        var name = ((JsonElement?)reference).Child("File").String("Name") ?? "";
        if (name.Length == 0) throw BerthException.Invalid("a secret or config reference has no File.Name");
        var target = Path.GetFullPath(name.StartsWith('/') ? name : Path.Combine(defaultDirectory, name));
        if (target == "/") throw BerthException.Invalid($"invalid target for a secret or config: {name}");
        return target;
    }

    private async Task<TaskFileMount> WriteOneAsync(string taskId, string kind, int index, AssignedFile payload, JsonElement reference, string defaultDirectory,
        CancellationToken cancellationToken)
    {
        var target = TargetOf(reference, defaultDirectory);
        JsonElement? file = ((JsonElement?)reference).Child("File");
        var mode = (UnixFileMode)((file.Int64("Mode") ?? DefaultMode) & 0xFFF);
        var directory = Path.Combine(DirectoryOf(taskId), kind);
        Directory.CreateDirectory(Path.GetDirectoryName(directory)!, DirectoryMode);
        Directory.CreateDirectory(directory, DirectoryMode);
        var path = Path.Combine(directory, $"{index}-{Sanitize(payload.Id)}");
        await AtomicFile.WriteAllBytesAsync(path, payload.Data, cancellationToken).ConfigureAwait(false);
        File.SetUnixFileMode(path, mode); // after the write: the create mode is masked by the umask
        if (Environment.IsPrivilegedProcess) Posix.LChown(path, Id(file.String("UID")), Id(file.String("GID")));
        return new TaskFileMount(path, target);
    }

    private static int Id(string? text) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : 0;

    private static string Sanitize(string id) => new(id.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());

    public void Delete(string taskId)
    {
        try
        {
            var directory = DirectoryOf(taskId);
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Serilog.Log.Warning("could not delete the secret and config files of task {Task}: {Message}", taskId, ex.Message);
        }
    }

    /// <summary>Deletes the files of every task not in <paramref name="keep"/>.</summary>
    public void Prune(IReadOnlySet<string> keep)
    {
        ArgumentNullException.ThrowIfNull(keep);
        if (!Directory.Exists(Root)) return;
        foreach (var directory in Directory.EnumerateDirectories(Root))
        {
            var taskId = Path.GetFileName(directory);
            if (!keep.Contains(taskId)) Delete(taskId);
        }
    }
}
