using Berth.Kernel.Events;
using Berth.Kernel.Volumes;
using Berth.Sdk.Storage;
using Berth.Sdk.Storage.Mounts;
using Microsoft.Extensions.Time.Testing;

namespace Berth.Kernel.Tests.Volumes;

/// <summary>A throw-away <c>volumes/</c> root; disposing unmounts whatever a test left mounted in it, then deletes it.</summary>
internal sealed class VolumeTestRoot : IDisposable
{
    public static readonly DateTimeOffset Start = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    public VolumeTestRoot()
    {
        Parent = Directory.CreateTempSubdirectory("berth-volumes.").FullName;
        Time = new FakeTimeProvider(Start);
        Events = new EventsService(Time);
    }

    public string Parent { get; }
    public string Root => Path.Combine(Parent, "volumes");
    public FakeTimeProvider Time { get; }
    public EventsService Events { get; }
    public FakeVolumeUsage Usage { get; } = new();

    public async Task<VolumeService> LoadAsync()
    {
        var service = await VolumeService.LoadAsync(Root, Events, Time, CancellationToken.None);
        service.UseUsage(() => Usage);
        return service;
    }

    /// <summary>Every event published so far (the clock stands still, so all are in the replay window).</summary>
    public IReadOnlyList<EventMessage> Published()
    {
        using var subscription = Events.Subscribe(Start, null);
        return subscription.Past;
    }

    /// <summary>A folder beside the volumes root, removed with it.</summary>
    public string Scratch(string name) => Directory.CreateDirectory(Path.Combine(Parent, name)).FullName;

    public void Dispose()
    {
        foreach (var mount in Mountinfo.MountPointsUnder(Parent))
        {
            try
            {
                Posix.Unmount(mount, detach: true);
            }
            catch (IOException)
            {
                // Already gone.
            }
        }
        Directory.Delete(Parent, recursive: true);
    }
}

/// <summary>An <see cref="IVolumeUsage"/> a test sets by hand.</summary>
internal sealed class FakeVolumeUsage : IVolumeUsage
{
    public Dictionary<string, List<string>> Containers { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<string> ContainersUsing(string volumeName) =>
        Containers.TryGetValue(volumeName, out var ids) ? ids : [];
}
