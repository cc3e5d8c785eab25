using Berth.Sdk;

namespace Berth.Kernel.Containers;

public sealed partial class ContainerService
{
    /// <summary>DELETE /containers/{id}: refuses a running container unless forced; removes the snapshot, the record and,
    /// with <paramref name="removeVolumes"/>, its anonymous volumes.</summary>
    public async Task RemoveAsync(string idOrName, bool force, bool removeVolumes, CancellationToken cancellationToken)
    {
        var container = store.Get(idOrName);
        if (container.State.Running)
        {
            if (!force)
                throw BerthException.Conflict($"cannot remove container \"{container.Name}\": container is running: stop the container before removing or force remove");
            container.HasBeenManuallyStopped = true;
            var exited = waiters.NextExitAsync(container.Id);
            if (container.State.Paused) await ResumeForSignalAsync(container, cancellationToken).ConfigureAwait(false);
            await SignalAsync(container, Signals.Kill, cancellationToken).ConfigureAwait(false);
            await exited.WaitAsync(TimeSpan.FromSeconds(30), time, cancellationToken).ConfigureAwait(false);
        }
        await CancelRestartAsync(container).ConfigureAwait(false);
        await container.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (container.RemovalInProgress) throw BerthException.Conflict($"removal of container {container.Id} is already in progress");
            if (container.State.Running)
                throw BerthException.Conflict($"cannot remove container \"{container.Name}\": container is running: stop the container before removing or force remove");
            container.RemovalInProgress = true;
            container.State = container.State with { Status = "removing" };
            await DeleteEverythingAsync(container, removeVolumes, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            container.RemovalInProgress = false;
            container.State = container.State with { Status = container.State.Dead ? "dead" : "exited" };
            throw;
        }
        finally
        {
            container.Gate.Release();
        }
        events.Publish(container, "destroy");
        waiters.Removed(container.Id, new ExitResult(container.State.ExitCode, null));
    }

    private async Task DeleteEverythingAsync(Container container, bool removeVolumes, CancellationToken cancellationToken)
    {
        var paths = runtime.PathsOf(container.Id);
        await ReleaseMountsAsync(container, paths, []).ConfigureAwait(false);
        try
        {
            await imageSubsystem.Snapshotter.RemoveAsync(container.Id, cancellationToken).ConfigureAwait(false);
        }
        catch (BerthException ex) when (ex.Kind == BerthErrorKind.NotFound)
        {
        }
        store.Remove(container);
        runtime.Exits.Clear(container.Id);
        DeleteDirectory(paths.Bundle);
        DeleteDirectory(store.DirectoryOf(container.Id));
        foreach (var mount in container.Mounts.Where(m => m.Type == "volume"))
        {
            if (!removeVolumes || !mount.Anonymous) continue;
            try
            {
                await volumes.RemoveAsync(mount.Name!, force: false, CancellationToken.None).ConfigureAwait(false);
            }
            catch (BerthException ex)
            {
                Serilog.Log.Information("kept volume {Name}: {Message}", mount.Name, ex.Message);
            }
        }
    }

    private static void DeleteDirectory(string path)
    {
        try
        {
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        }
        catch (IOException ex)
        {
            Serilog.Log.Warning("could not delete {Path}: {Message}", path, ex.Message);
        }
    }
}
