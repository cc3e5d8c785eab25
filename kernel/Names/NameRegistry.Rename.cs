using Berth.Sdk;

namespace Berth.Kernel.Names;

public sealed partial class NameRegistry
{
    /// <summary>
    /// Renames a container and moves its link names (<c>/old/alias</c> → <c>/new/alias</c>) in one step, with moby's
    /// checks and messages. On any error nothing changes: the old name stays reserved.
    /// </summary>
    /// <exception cref="BerthException">Invalid (empty, same name, bad new name), NotFound (old name not held by id), Conflict (new name taken).</exception>
    public void Rename(string oldName, string newName, string id)
    {
        ArgumentNullException.ThrowIfNull(oldName);
        ArgumentNullException.ThrowIfNull(newName);
        ArgumentException.ThrowIfNullOrEmpty(id);
        oldName = oldName.Trim();
        newName = newName.Trim();
        if (oldName.TrimStart('/').Length == 0 || newName.TrimStart('/').Length == 0)
            throw BerthException.Invalid("Neither old nor new names may be empty");
        var from = ContainerNameRules.Canonical(oldName);
        var to = ContainerNameRules.Canonical(newName);
        lock (gate)
        {
            if (idByName.GetValueOrDefault(from) != id) throw BerthException.NotFound($"No such container: {oldName}");
            if (from == to) throw BerthException.Invalid("Renaming a container with the same name as its current name");
            RenameLocked(from, to, id);
        }
    }

    private void RenameLocked(string from, string to, string id)
    {
        try
        {
            ContainerNameRules.Validate(to);
        }
        catch (BerthException error)
        {
            throw new BerthException(error.Kind, "Error when allocating new name: " + error.Message, error);
        }
        if (idByName.TryGetValue(to, out var holder) && holder != id)
            throw new BerthException(BerthErrorKind.Conflict, "Error when allocating new name: " + ContainerNameRules.Conflict(to, holder).Message);

        var links = ChildNamesLocked(from).Select(name => (Alias: name[from.Length..], Child: idByName[name])).ToList();
        foreach (var (alias, _) in links) ReleaseLocked(from + alias);
        foreach (var (alias, child) in links) TryReserveLocked(to + alias, child, out _);
        ReleaseLocked(from);
        TryReserveLocked(to, id, out _);
    }
}
