namespace Berth.Kernel.Stats;

/// <summary>What one container's cgroup files said, before the host counters and the memory cap are added.</summary>
internal sealed record CgroupReading(CpuCounters Cpu, MemoryCounters Memory, PidsCounters Pids, BlkioCounters Blkio);
