namespace Berth.Kernel.Stats;

/// <summary>
/// The memory.stat keys dockerd copies into <c>memory_stats.stats</c>: a fixed set per cgroup version, each present
/// (0 when the kernel does not have it). The CLI tells the versions apart by <c>total_inactive_file</c>.
/// </summary>
internal static class DockerMemoryKeys
{
    public static readonly string[] V1 =
    [
        "cache", "rss", "rss_huge", "mapped_file", "dirty", "writeback", "pgpgin", "pgpgout", "pgfault", "pgmajfault",
        "inactive_anon", "active_anon", "inactive_file", "active_file", "unevictable",
        "hierarchical_memory_limit", "hierarchical_memsw_limit",
        "total_cache", "total_rss", "total_rss_huge", "total_mapped_file", "total_dirty", "total_writeback",
        "total_pgpgin", "total_pgpgout", "total_pgfault", "total_pgmajfault",
        "total_inactive_anon", "total_active_anon", "total_inactive_file", "total_active_file", "total_unevictable",
    ];

    public static readonly string[] V2 =
    [
        "anon", "file", "kernel_stack", "slab", "sock", "shmem", "file_mapped", "file_dirty", "file_writeback", "anon_thp",
        "inactive_anon", "active_anon", "inactive_file", "active_file", "unevictable", "slab_reclaimable", "slab_unreclaimable",
        "pgfault", "pgmajfault", "workingset_refault", "workingset_activate", "workingset_nodereclaim",
        "pgrefill", "pgscan", "pgsteal", "pgactivate", "pgdeactivate", "pglazyfree", "pglazyfreed",
        "thp_fault_alloc", "thp_collapse_alloc",
    ];

    /// <summary>The <paramref name="keys"/> with their memory.stat values, sorted as Go writes a map.</summary>
    public static SortedDictionary<string, ulong> Pick(IReadOnlyDictionary<string, ulong> memoryStat, IEnumerable<string> keys)
    {
        var picked = new SortedDictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var key in keys) picked[key] = memoryStat.GetValueOrDefault(key);
        return picked;
    }
}
