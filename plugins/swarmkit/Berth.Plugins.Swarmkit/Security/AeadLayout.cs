namespace Berth.Plugins.Swarmkit.Security;

internal static class AeadLayout
{
    public const int NonceSize = 12;
    public const int TagSize = 16;
    public const int KeySize = 32;
}
