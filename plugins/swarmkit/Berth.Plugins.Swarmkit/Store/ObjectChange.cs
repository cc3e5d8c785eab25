using Berth.Plugins.Swarmkit.Model;

namespace Berth.Plugins.Swarmkit.Store;

/// <summary>What a committed batch did to one object; <see cref="Old"/> is null for a create, <see cref="New"/> for a delete.</summary>
public sealed record ObjectChange(ObjectKind Kind, StoreAction Action, StoredObject? Old, StoredObject? New)
{
    public string Id => (New ?? Old)!.ID;
}
