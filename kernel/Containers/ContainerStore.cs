using System.Collections.Concurrent;
using Berth.Kernel.Names;
using Berth.Sdk;

namespace Berth.Kernel.Containers;

/// <summary>Every container this daemon knows, by id, with its names reserved in the name registry.</summary>
public sealed class ContainerStore(string root, NameRegistry names)
{
    private readonly ConcurrentDictionary<string, Container> byId = new(StringComparer.Ordinal);

    public string Root { get; } = root;
    public NameRegistry Names { get; } = names;

    public IReadOnlyCollection<Container> All => byId.Values.ToList();

    public string DirectoryOf(string id) => Path.Combine(Root, id);

    public static async Task<ContainerStore> LoadAsync(string root, NameRegistry names, CancellationToken cancellationToken)
    {
        var store = new ContainerStore(root, names);
        Directory.CreateDirectory(root);
        foreach (var directory in Directory.EnumerateDirectories(root))
        {
            Container? container;
            try
            {
                container = await ContainerRecordFile.LoadAsync(directory, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or System.Text.Json.JsonException or InvalidOperationException or FormatException)
            {
                Serilog.Log.Warning("ignoring the unreadable container record in {Directory}: {Message}", directory, ex.Message);
                continue;
            }
            if (container is null)
            {
                Serilog.Log.Information("removing {Directory}: a container create that did not finish", directory);
                Directory.Delete(directory, recursive: true);
                continue;
            }
            store.Add(container);
        }
        return store;
    }

    public void Add(Container container)
    {
        ArgumentNullException.ThrowIfNull(container);
        Names.Reserve(container.Name, container.Id);
        byId[container.Id] = container;
    }

    public void Remove(Container container)
    {
        ArgumentNullException.ThrowIfNull(container);
        byId.TryRemove(container.Id, out _);
        Names.Release(container.Name);
    }

    public Task SaveAsync(Container container, CancellationToken cancellationToken) =>
        ContainerRecordFile.SaveAsync(DirectoryOf(container.Id), container, cancellationToken);

    /// <summary>By full id, name, or unique id prefix — Moby's lookup order.</summary>
    public Container Get(string idOrName) =>
        TryGet(idOrName) ?? throw BerthException.NotFound($"No such container: {idOrName}");

    public Container? TryGet(string idOrName)
    {
        ArgumentException.ThrowIfNullOrEmpty(idOrName);
        if (byId.TryGetValue(idOrName, out var exact)) return exact;
        var named = Names.Lookup(idOrName.StartsWith('/') ? idOrName : "/" + idOrName);
        if (named is not null && byId.TryGetValue(named, out var byName)) return byName;
        if (!IsHexPrefix(idOrName)) return null;
        Container? found = null;
        foreach (var container in byId.Values)
        {
            if (!container.Id.StartsWith(idOrName, StringComparison.Ordinal)) continue;
            if (found is not null) throw BerthException.Invalid($"multiple IDs found with provided prefix: {idOrName}");
            found = container;
        }
        return found;
    }

    private static bool IsHexPrefix(string text) => text.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');
}
