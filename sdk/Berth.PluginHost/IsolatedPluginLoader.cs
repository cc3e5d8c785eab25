using System.Reflection;
using Berth.Sdk;
using Berth.Sdk.Hosting.Packages;
using Berth.Sdk.Kernel;
using Berth.Sdk.Protocol;
using McMaster.NETCore.Plugins;

namespace Berth.PluginHost;

/// <summary>
/// Loads a package's driver assembly in its own AssemblyLoadContext. Only the SDK contract assembly is
/// shared with the host, so two plugins may carry different versions of any other library.
/// </summary>
internal static class IsolatedPluginLoader
{
    public static object Create(HostArguments args, IKernelHost kernel, TextWriter log)
    {
        var supported = Protocols.All.ToDictionary(c => c.Protocol.Kind, c => c.Protocol.Major);
        var package = PluginPackage.Load(args.Package, supported);
        // Only the contract assembly is unified with the host; every other dependency resolves from the plugin's rootfs.
        var loader = PluginLoader.CreateFromAssemblyFile(package.AssemblyPath, sharedTypes: [typeof(BerthPluginAttribute)]);
        var assembly = loader.LoadDefaultAssembly();
        var registration = assembly.GetCustomAttribute<BerthPluginAttribute>()
            ?? throw BerthException.Invalid(
                $"{Path.GetFileName(package.AssemblyPath)} has no [assembly: BerthPlugin(typeof(…))] registration");

        Directory.CreateDirectory(args.Root);
        var settings = package.Config.Env.ToDictionary(
            e => e.Name,
            e => Environment.GetEnvironmentVariable(e.Name) ?? e.Value ?? "",
            StringComparer.Ordinal);
        var context = new PluginContext(args.Name, args.Root, settings, kernel, log);
        var type = registration.PluginType;
        var withContext = type.GetConstructor([typeof(PluginContext)]);
        if (withContext is not null) return withContext.Invoke([context]);
        return Activator.CreateInstance(type)
            ?? throw BerthException.Invalid($"{type.FullName} has no public constructor taking PluginContext or nothing");
    }
}
