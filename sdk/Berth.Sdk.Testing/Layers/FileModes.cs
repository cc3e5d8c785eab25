namespace Berth.Sdk.Testing;

/// <summary>Unix permission bits written the usual way (C# has no octal literals).</summary>
public static class FileModes
{
    /// <summary><c>Octal("4755")</c> is the mode of a setuid executable.</summary>
    public static int Octal(string digits) => Convert.ToInt32(digits, 8);

    public static readonly int Directory = Octal("755");
    public static readonly int File = Octal("644");
    public static readonly int Symlink = Octal("777");
    public static readonly int Device = Octal("666");
}
