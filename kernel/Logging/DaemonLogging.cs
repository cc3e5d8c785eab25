using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace Berth.Kernel.Logging;

/// <summary>
/// The daemon log: stderr lines with a syslog priority prefix (<c>&lt;6&gt;</c>), which journald reads under systemd.
/// Plugin lines arrive tagged with the plugin's name as their source.
/// </summary>
public static class DaemonLogging
{
    public static LoggingLevelSwitch Level { get; } = new(LogEventLevel.Information);

    public static Logger Create()
    {
        return new LoggerConfiguration()
            .MinimumLevel.ControlledBy(Level)
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Warning)
            .Enrich.With<SyslogPriority>()
            .WriteTo.Console(
                outputTemplate: "<{Priority}>{Timestamp:yyyy-MM-ddTHH:mm:ss.fffzzz} {Level:u4} [{SourceContext}] {Message:lj}{NewLine}{Exception}",
                standardErrorFromLevel: LogEventLevel.Verbose,
                formatProvider: System.Globalization.CultureInfo.InvariantCulture)
            .CreateLogger();
    }

    public static void Apply(bool debug, string level) => Level.MinimumLevel = debug ? LogEventLevel.Debug : level switch
    {
        "debug" => LogEventLevel.Debug,
        "warn" => LogEventLevel.Warning,
        "error" => LogEventLevel.Error,
        "fatal" or "panic" => LogEventLevel.Fatal,
        _ => LogEventLevel.Information,
    };

    private sealed class SyslogPriority : ILogEventEnricher
    {
        public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
        {
            var priority = logEvent.Level switch
            {
                LogEventLevel.Fatal => 2,
                LogEventLevel.Error => 3,
                LogEventLevel.Warning => 4,
                LogEventLevel.Information => 6,
                _ => 7,
            };
            logEvent.AddPropertyIfAbsent(propertyFactory.CreateProperty("Priority", priority));
        }
    }
}
