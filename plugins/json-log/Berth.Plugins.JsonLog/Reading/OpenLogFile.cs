using Berth.Plugins.JsonLog.Native;
using Berth.Plugins.JsonLog.Writing;
using Microsoft.Win32.SafeHandles;

namespace Berth.Plugins.JsonLog.Reading;

/// <summary>
/// One file of a log's rotation set, held open: a rotation renames or deletes the path, never what a reader has open.
/// <see cref="End"/> is where its complete lines end; for the live file, as of when it was opened.
/// </summary>
internal sealed class OpenLogFile : IDisposable
{
    private OpenLogFile(string path, SafeFileHandle handle, bool compressed)
    {
        Path = path;
        Handle = handle;
        Compressed = compressed;
        Length = RandomAccess.GetLength(handle);
        Identity = LibC.Identity(handle);
        if (compressed) Stream = new FileStream(handle, FileAccess.Read, 1 << 16);
    }

    public string Path { get; }
    public SafeFileHandle Handle { get; }
    public bool Compressed { get; }

    /// <summary>The size when opened.</summary>
    public long Length { get; }

    public FileIdentity? Identity { get; }

    /// <summary>For a compressed file: the stream over <see cref="Handle"/> to inflate from.</summary>
    public FileStream? Stream { get; }

    public long End { get; set; }

    /// <summary>Null when the file does not exist.</summary>
    public static OpenLogFile? TryOpen(string path)
    {
        try
        {
            var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return new OpenLogFile(path, handle, path.EndsWith(LogCompressor.Extension, StringComparison.Ordinal));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>The last entry time a compressed file records in its header.</summary>
    public long? CompressedLastTime()
    {
        if (Stream is null) return null;
        Stream.Position = 0;
        try
        {
            return LogCompressor.ReadLastTime(Stream);
        }
        finally
        {
            Stream.Position = 0;
        }
    }

    public void Dispose()
    {
        Stream?.Dispose();
        Handle.Dispose();
    }
}
