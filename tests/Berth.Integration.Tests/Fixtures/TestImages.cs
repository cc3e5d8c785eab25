using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Berth.Integration.Tests.Fixtures;

/// <summary>
/// Test images made from Debian's busybox-static: a root filesystem tarball (for <c>docker import</c>) and a
/// three-layer <c>docker save</c> archive whose upper layers delete a file (whiteout) and replace a folder (opaque).
/// Built once per run in a temp folder removed at process exit.
/// </summary>
public static class TestImages
{
    private static readonly string Folder = CreateFolder();
    private static readonly Lazy<string> Rootfs = new(BuildRootfs);
    private static readonly Lazy<string> MultiLayer = new(BuildMultiLayer);

    /// <summary>A busybox root filesystem: /bin/busybox, an applet link per command, /etc, /tmp.</summary>
    public static string BusyboxRootfsTar => Rootfs.Value;

    /// <summary>A docker-save archive tagged <c>berth-test/layers:1</c>: busybox, then data files, then a whiteout and an opaque folder.</summary>
    public static string MultiLayerSaveTar => MultiLayer.Value;

    public const string MultiLayerTag = "berth-test/layers:1";

    /// <summary>A rootfs tar with one entry that climbs out of the layer root towards <paramref name="target"/>.</summary>
    public static string TarSlip(string target)
    {
        var path = Path.Combine(Folder, $"slip-{Guid.NewGuid():N}.tar");
        using var file = File.Create(path);
        using var writer = new TarWriter(file, TarEntryFormat.Ustar);
        AddFile(writer, "ok.txt", "fine\n"u8.ToArray());
        AddFile(writer, "../../../../../../../.." + target, "pwned\n"u8.ToArray());
        return path;
    }

    private static string CreateFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"berth-test-images-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        };
        return folder;
    }

    private static string BuildRootfs()
    {
        var path = Path.Combine(Folder, "busybox-rootfs.tar");
        using var file = File.Create(path);
        WriteBusybox(file);
        return path;
    }

    private static void WriteBusybox(Stream output)
    {
        using var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true);
        foreach (var dir in new[] { "bin/", "etc/", "root/", "tmp/", "var/", "dev/", "proc/", "sys/" })
            writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, dir) { Mode = dir == "tmp/" ? (UnixFileMode)0x3FF | UnixFileMode.StickyBit : (UnixFileMode)0x1ED });
        var busybox = new[] { "/bin/busybox", "/usr/bin/busybox" }.First(File.Exists);
        using (var binary = File.OpenRead(busybox))
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "bin/busybox") { Mode = (UnixFileMode)0x1ED, DataStream = binary });
        foreach (var applet in new[] { "sh", "ls", "cat", "echo", "true", "false", "sleep", "env", "id", "mkdir", "rm", "touch", "wc", "head", "tail", "ps", "top", "hostname", "ip", "ping", "wget", "nc", "grep", "sed", "awk", "date", "uname", "test" })
            writer.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "bin/" + applet) { LinkName = "busybox", Mode = (UnixFileMode)0x1FF });
        AddFile(writer, "etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"u8.ToArray());
        AddFile(writer, "etc/group", "root:x:0:\nnogroup:x:65534:\n"u8.ToArray());
    }

    private static string BuildMultiLayer()
    {
        var layers = new List<byte[]>();
        using (var base_ = new MemoryStream())
        {
            WriteBusybox(base_);
            layers.Add(base_.ToArray());
        }
        layers.Add(Layer(w =>
        {
            w.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "data/") { Mode = (UnixFileMode)0x1ED });
            AddFile(w, "data/a.txt", "a\n"u8.ToArray());
            AddFile(w, "data/b.txt", "b\n"u8.ToArray());
            w.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "opq/") { Mode = (UnixFileMode)0x1ED });
            AddFile(w, "opq/old.txt", "old\n"u8.ToArray());
        }));
        layers.Add(Layer(w =>
        {
            AddFile(w, "data/.wh.a.txt", []);
            w.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "opq/") { Mode = (UnixFileMode)0x1ED });
            AddFile(w, "opq/.wh..wh..opq", []);
            AddFile(w, "opq/new.txt", "new\n"u8.ToArray());
        }));

        return SaveTar("multi-layer.tar", layers, MultiLayerTag, null);
    }

    /// <summary>A docker-save archive of <paramref name="layers"/> tagged <paramref name="tag"/>; <paramref name="diffIds"/> overrides the config's diff ids (to make a lying image).</summary>
    public static string SaveTar(string fileName, IReadOnlyList<byte[]> layers, string tag, IReadOnlyList<string>? diffIds)
    {
        diffIds ??= [.. layers.Select(Digest)];
        var history = new JsonArray();
        for (var i = 0; i < layers.Count; i++) history.Add(new JsonObject { ["created"] = $"2026-01-02T03:04:0{i % 10}Z", ["created_by"] = $"layer {i}" });
        history.Insert(Math.Min(2, history.Count), new JsonObject { ["created"] = "2026-01-02T03:04:02Z", ["created_by"] = "ENV PATH=/bin", ["empty_layer"] = true });
        var config = JsonSerializer.SerializeToUtf8Bytes(new JsonObject
        {
            ["architecture"] = "amd64",
            ["os"] = "linux",
            ["created"] = "2026-01-02T03:04:05Z",
            ["config"] = new JsonObject { ["Cmd"] = new JsonArray("sh"), ["Env"] = new JsonArray("PATH=/bin") },
            ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray([.. diffIds.Select(d => (JsonNode?)d)]) },
            ["history"] = history,
        });
        var path = Path.Combine(Folder, fileName);
        using var file = File.Create(path);
        using var writer = new TarWriter(file, TarEntryFormat.Pax);
        var configName = Hex(config) + ".json";
        AddFile(writer, configName, config);
        var layerNames = new List<string>();
        for (var i = 0; i < layers.Count; i++)
        {
            var name = $"{Hex(layers[i])}/layer.tar";
            AddFile(writer, name, layers[i]);
            layerNames.Add(name);
        }
        AddFile(writer, "manifest.json", JsonSerializer.SerializeToUtf8Bytes(new[]
        {
            new { Config = configName, RepoTags = new[] { tag }, Layers = layerNames },
        }));
        return path;
    }

    /// <summary>A layer holding one file of <paramref name="size"/> random bytes.</summary>
    public static byte[] RandomFileLayer(string name, int size) =>
        Layer(w => AddFile(w, name, RandomNumberGenerator.GetBytes(size)));

    /// <summary>An OCI image layout whose manifest names a layer blob the archive does not hold.</summary>
    public static string OciLayoutMissingLayer()
    {
        var layer = RandomFileLayer("x.bin", 1024);
        var config = JsonSerializer.SerializeToUtf8Bytes(new JsonObject
        {
            ["architecture"] = "amd64", ["os"] = "linux",
            ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray(Digest(layer)) },
        });
        var manifest = JsonSerializer.SerializeToUtf8Bytes(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = "application/vnd.oci.image.manifest.v1+json",
            ["config"] = new JsonObject { ["mediaType"] = "application/vnd.oci.image.config.v1+json", ["digest"] = Digest(config), ["size"] = config.Length },
            ["layers"] = new JsonArray(new JsonObject { ["mediaType"] = "application/vnd.oci.image.layer.v1.tar", ["digest"] = Digest(layer), ["size"] = layer.Length }),
        });
        var index = JsonSerializer.SerializeToUtf8Bytes(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["manifests"] = new JsonArray(new JsonObject
            {
                ["mediaType"] = "application/vnd.oci.image.manifest.v1+json", ["digest"] = Digest(manifest), ["size"] = manifest.Length,
                ["annotations"] = new JsonObject { ["io.containerd.image.name"] = "docker.io/berth-test/missing:1" },
            }),
        });
        var path = Path.Combine(Folder, $"oci-missing-{Guid.NewGuid():N}.tar");
        using var file = File.Create(path);
        using var writer = new TarWriter(file, TarEntryFormat.Pax);
        AddFile(writer, "oci-layout", """{"imageLayoutVersion":"1.0.0"}"""u8.ToArray());
        AddFile(writer, "index.json", index);
        AddFile(writer, "blobs/sha256/" + Hex(manifest), manifest);
        AddFile(writer, "blobs/sha256/" + Hex(config), config);
        return path;
    }

    private static byte[] Layer(Action<TarWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new TarWriter(buffer, TarEntryFormat.Pax, leaveOpen: true)) write(writer);
        return buffer.ToArray();
    }

    private static void AddFile(TarWriter writer, string name, byte[] content) =>
        writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { Mode = (UnixFileMode)0x1A4, DataStream = new MemoryStream(content) });

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static string Digest(byte[] bytes) => "sha256:" + Hex(bytes);

    public static string Sha256(string text) => "sha256:" + Hex(Encoding.UTF8.GetBytes(text));
}
