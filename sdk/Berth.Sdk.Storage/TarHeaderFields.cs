namespace Berth.Sdk.Storage;

/// <summary>What <see cref="PaxTarOutput"/> writes for one entry; fields too large for ustar go in PAX records.</summary>
internal sealed record TarHeaderFields
{
    public const byte RegularFile = (byte)'0';
    public const byte HardLink = (byte)'1';
    public const byte SymbolicLink = (byte)'2';
    public const byte CharacterDevice = (byte)'3';
    public const byte BlockDevice = (byte)'4';
    public const byte Directory = (byte)'5';
    public const byte Fifo = (byte)'6';

    public required string Name { get; init; }
    public required byte TypeFlag { get; init; }
    public uint Mode { get; init; }
    public long Uid { get; init; }
    public long Gid { get; init; }
    public long Size { get; init; }
    public long MtimeSeconds { get; init; }
    public string LinkName { get; init; } = "";
    public uint DevMajor { get; init; }
    public uint DevMinor { get; init; }
    public IReadOnlyList<(string Key, byte[] Value)> Records { get; init; } = [];
}
