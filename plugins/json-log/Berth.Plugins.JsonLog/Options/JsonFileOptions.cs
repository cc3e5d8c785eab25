using Berth.Sdk;
using Berth.Sdk.Logging;

namespace Berth.Plugins.JsonLog.Options;

/// <summary>
/// The json-file log options, checked as moby's jsonfilelog.New and ValidateLogOpt check them, with their messages.
/// <c>mode</c> and <c>max-buffer-size</c> belong to the kernel (it buffers in front of the FIFO) and are ignored here.
/// </summary>
/// <param name="MaxSize">Bytes per file before rotation; -1 for no limit.</param>
/// <param name="Attributes">The <c>attrs</c> JSON object written on every line, or empty.</param>
internal sealed record JsonFileOptions(long MaxSize, int MaxFiles, bool Compress, ReadOnlyMemory<byte> Attributes)
{
    private static readonly HashSet<string> Known = new(StringComparer.Ordinal)
    {
        "max-file", "max-size", "compress", "labels", "labels-regex", "env", "env-regex", "tag", "mode", "max-buffer-size",
    };

    public static JsonFileOptions Parse(LogInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var config = info.Config;
        foreach (var key in config.Keys)
        {
            if (!Known.Contains(key)) throw BerthException.Invalid($"unknown log opt '{key}' for json-file log driver");
        }
        long maxSize = -1;
        if (config.TryGetValue("max-size", out var size) && size != "-1")
        {
            maxSize = HumanSize.Parse(size);
            if (maxSize <= 0) throw BerthException.Invalid("max-size must be a positive number");
        }
        var maxFiles = 1;
        if (config.TryGetValue("max-file", out var files))
        {
            maxFiles = GoValues.Atoi(files);
            if (maxFiles < 1) throw BerthException.Invalid("max-file cannot be less than 1");
        }
        var compress = false;
        if (config.TryGetValue("compress", out var compressText))
        {
            compress = GoValues.ParseBool(compressText);
            if (compress && (maxFiles == 1 || maxSize == -1))
                throw BerthException.Invalid("compress cannot be true when max-file is less than 2 or max-size is not set");
        }
        return new JsonFileOptions(maxSize, maxFiles, compress, LogAttributes.Build(info));
    }

    /// <summary>How many rotated files a reader looks at: max-file - 1, as moby's reader (0 without max-file).</summary>
    public static int RotatedFiles(IReadOnlyDictionary<string, string> config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.TryGetValue("max-file", out var text) && int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var files) && files > 1
            ? files - 1
            : 0;
    }
}
