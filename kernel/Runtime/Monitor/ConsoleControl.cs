using System.Globalization;
using System.Text;

namespace Berth.Kernel.Runtime.Monitor;

/// <summary>conmon's control FIFO: <c>1 height width</c> resizes the terminal.</summary>
public static class ConsoleControl
{
    public static async Task ResizeAsync(string ctlPath, int height, int width, CancellationToken cancellationToken)
    {
        if (!File.Exists(ctlPath)) return;
        var line = string.Create(CultureInfo.InvariantCulture, $"1 {height} {width}\n");
        await using var fifo = new FileStream(ctlPath, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1);
        await fifo.WriteAsync(Encoding.ASCII.GetBytes(line), cancellationToken).ConfigureAwait(false);
    }
}
