namespace Berth.Sdk.Testing;

public enum TreeEntryType
{
    Unknown = 0,
    File = 1,
    Directory = 2,
    Symlink = 3,
    CharDevice = 4,
    BlockDevice = 5,
    Fifo = 6,
    Socket = 7,
}
