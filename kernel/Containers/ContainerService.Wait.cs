using Berth.Sdk;

namespace Berth.Kernel.Containers;

public sealed partial class ContainerService
{
    /// <summary>
    /// Registers a wait at once (so a start that follows cannot be missed) and returns the task for its result.
    /// Conditions as Docker: not-running (default), next-exit, removed.
    /// </summary>
    public Task<ExitResult> WaitAsync(string idOrName, string? condition)
    {
        var container = store.Get(idOrName);
        switch (string.IsNullOrEmpty(condition) ? "not-running" : condition)
        {
            case "not-running":
                return container.State.Running || container.State.Restarting
                    ? waiters.NextExitAsync(container.Id)
                    : Task.FromResult(new ExitResult(container.State.ExitCode, null));
            case "next-exit":
                return waiters.NextExitAsync(container.Id);
            case "removed":
                return waiters.RemovalAsync(container.Id);
            default:
                throw BerthException.Invalid($"invalid condition: \"{condition}\"");
        }
    }

    public async Task RenameAsync(string idOrName, string newName, CancellationToken cancellationToken)
    {
        var container = store.Get(idOrName);
        if (string.IsNullOrEmpty(newName)) throw BerthException.Invalid("Neither old nor new names may be empty");
        var validated = Names.NameRegistry.Validate(newName);
        var old = container.Name;
        if (validated == old) throw BerthException.Invalid("Renaming a container with the same name as its current name");
        store.Names.Rename(old, validated, container.Id);
        container.Name = validated;
        await SaveAsync(container, cancellationToken).ConfigureAwait(false);
        events.Publish(container, "rename", new Dictionary<string, string> { ["oldName"] = old });
    }
}
