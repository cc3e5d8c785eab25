namespace Berth.Kernel.Names;

public sealed partial class NameRegistry
{
    private const int GeneratedAttempts = 6;
    private const int ShortIdLength = 12;

    /// <summary>
    /// Draws a Docker-style random name and reserves it for <paramref name="id"/>, as moby's generateAndReserveName:
    /// six attempts (a digit suffix from the second one on), then the 12-character short id. Returns the "/"-prefixed name.
    /// </summary>
    public string GenerateUnique(string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        lock (gate)
        {
            for (var attempt = 0; attempt < GeneratedAttempts; attempt++)
            {
                var name = "/" + NamesGenerator.GetRandomName(attempt, random);
                if (TryReserveLocked(name, id, out _)) return name;
            }
            var fallback = "/" + (id.Length > ShortIdLength ? id[..ShortIdLength] : id);
            if (!TryReserveLocked(fallback, id, out var holder)) throw ContainerNameRules.Conflict(fallback, holder);
            return fallback;
        }
    }
}
