namespace Berth.Kernel.Stats;

/// <summary>
/// blkio_stats on v1, as containerd reads it: the CFQ/BFQ-era <c>blkio.*_recursive</c> files when the kernel has them and
/// they hold data, else the throttle counters (io_serviced, io_service_bytes). Every list is present (empty, not null)
/// once the blkio hierarchy has the cgroup.
/// </summary>
internal static class CgroupV1Blkio
{
    public static BlkioCounters Read(string? dir)
    {
        if (dir is null || !Directory.Exists(dir)) return BlkioCounters.None;
        if (File.Exists(Path.Combine(dir, "blkio.io_serviced_recursive")))
        {
            var cfq = new BlkioCounters(
                ServiceBytes: Entries(dir, "blkio.io_service_bytes_recursive"),
                Serviced: Entries(dir, "blkio.io_serviced_recursive"),
                Queued: Entries(dir, "blkio.io_queued_recursive"),
                ServiceTime: Entries(dir, "blkio.io_service_time_recursive"),
                WaitTime: Entries(dir, "blkio.io_wait_time_recursive"),
                Merged: Entries(dir, "blkio.io_merged_recursive"),
                Time: Entries(dir, "blkio.time_recursive"),
                Sectors: Entries(dir, "blkio.sectors_recursive"));
            if (new[] { cfq.ServiceBytes, cfq.Serviced, cfq.Queued, cfq.ServiceTime, cfq.WaitTime, cfq.Merged, cfq.Time, cfq.Sectors }.Any(l => l!.Count > 0))
                return cfq;
        }
        return new BlkioCounters(
            ServiceBytes: Throttle(dir, "blkio.throttle.io_service_bytes"),
            Serviced: Throttle(dir, "blkio.throttle.io_serviced"),
            Queued: [], ServiceTime: [], WaitTime: [], Merged: [], Time: [], Sectors: []);
    }

    /// <summary>The recursive throttle file when the kernel has it, else the plain one (equal for a leaf cgroup).</summary>
    private static List<BlkioEntry> Throttle(string dir, string file) =>
        File.Exists(Path.Combine(dir, file + "_recursive")) ? Entries(dir, file + "_recursive") : Entries(dir, file);

    /// <summary><c>major:minor [Op] value</c> lines; the closing <c>Total n</c> line is skipped.</summary>
    private static List<BlkioEntry> Entries(string dir, string file)
    {
        var entries = new List<BlkioEntry>();
        if (CgroupFiles.ReadText(dir, file) is not { } text) return entries;
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split([' ', ':'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 3) continue;
            var op = fields.Length >= 4 ? fields[2] : "";
            var value = fields.Length >= 4 ? fields[3] : fields[2];
            entries.Add(new BlkioEntry(CgroupFiles.ParseUInt(fields[0]), CgroupFiles.ParseUInt(fields[1]), op, CgroupFiles.ParseUInt(value)));
        }
        return entries;
    }
}
