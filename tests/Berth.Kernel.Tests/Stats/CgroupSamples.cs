namespace Berth.Kernel.Tests.Stats;

/// <summary>Realistic cgroup file contents for the fake trees.</summary>
internal static class CgroupSamples
{
    public const string V1MemoryStat = """
        cache 4096000
        rss 10240000
        rss_huge 0
        shmem 0
        mapped_file 1024000
        dirty 4096
        writeback 0
        pgpgin 5000
        pgpgout 1000
        pgfault 9000
        pgmajfault 12
        inactive_anon 0
        active_anon 10240000
        inactive_file 2048000
        active_file 2048000
        unevictable 0
        hierarchical_memory_limit 67108864
        hierarchical_memsw_limit 9223372036854771712
        total_cache 4096000
        total_rss 10240000
        total_rss_huge 0
        total_shmem 0
        total_mapped_file 1024000
        total_dirty 4096
        total_writeback 0
        total_pgpgin 5000
        total_pgpgout 1000
        total_pgfault 9000
        total_pgmajfault 12
        total_inactive_anon 0
        total_active_anon 10240000
        total_inactive_file 2048000
        total_active_file 2048000
        total_unevictable 0

        """;

    public const string V2MemoryStat = """
        anon 10240000
        file 4096000
        kernel 300000
        kernel_stack 65536
        pagetables 100000
        sec_pagetables 0
        percpu 0
        sock 0
        vmalloc 0
        shmem 0
        zswap 0
        zswapped 0
        file_mapped 1024000
        file_dirty 4096
        file_writeback 0
        swapcached 0
        anon_thp 0
        file_thp 0
        shmem_thp 0
        inactive_anon 0
        active_anon 10240000
        inactive_file 2048000
        active_file 2048000
        unevictable 0
        slab_reclaimable 50000
        slab_unreclaimable 40000
        slab 90000
        workingset_refault_anon 0
        workingset_refault_file 0
        workingset_activate_anon 0
        workingset_activate_file 0
        workingset_restore_anon 0
        workingset_restore_file 0
        workingset_nodereclaim 0
        pgscan 0
        pgsteal 0
        pgfault 9000
        pgmajfault 12
        pgrefill 0
        pgactivate 3
        pgdeactivate 0
        pglazyfree 0
        pglazyfreed 0
        thp_fault_alloc 0
        thp_collapse_alloc 0

        """;

    /// <summary>A blkio.throttle.io_service_bytes file: per device Read/Write/Sync/Async/Discard/Total, then a grand total.</summary>
    public const string V1ThrottleServiceBytes = """
        8:0 Read 1048576
        8:0 Write 2097152
        8:0 Sync 3145728
        8:0 Async 0
        8:0 Discard 0
        8:0 Total 3145728
        Total 3145728

        """;

    public const string V1ThrottleServiced = """
        8:0 Read 16
        8:0 Write 32
        8:0 Sync 48
        8:0 Async 0
        8:0 Discard 0
        8:0 Total 48
        Total 48

        """;

    public const string V2IoStat = "8:0 rbytes=1048576 wbytes=2097152 rios=16 wios=32 dbytes=0 dios=0\n253:1 rbytes=4096 wbytes=0 rios=1 wios=0 dbytes=0 dios=0\n";
}
