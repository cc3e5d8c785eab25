using System.Security.Cryptography;

namespace Berth.Plugins.Swarmkit.Model;

/// <summary>swarmkit's identifiers: 128 random bits in base 36, 25 lowercase characters.</summary>
public static class ObjectIds
{
    public static string New() => Base36.Encode(RandomNumberGenerator.GetBytes(16), 25);
}

public static class Base36
{
    private const string Digits = "0123456789abcdefghijklmnopqrstuvwxyz";

    /// <summary>The big-endian unsigned number in <paramref name="bytes"/>, zero-padded to <paramref name="width"/> digits.</summary>
    public static string Encode(ReadOnlySpan<byte> bytes, int width)
    {
        var value = new System.Numerics.BigInteger(bytes, isUnsigned: true, isBigEndian: true);
        var chars = new Stack<char>();
        while (value > 0)
        {
            chars.Push(Digits[(int)(value % 36)]);
            value /= 36;
        }
        var text = new string(chars.ToArray());
        return text.PadLeft(width, '0');
    }
}
