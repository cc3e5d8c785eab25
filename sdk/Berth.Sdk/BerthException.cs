namespace Berth.Sdk;

/// <summary>
/// An error with a Docker error class. Thrown by drivers and by the kernel; it crosses the plugin pipe
/// as a JSON-RPC error and becomes the right HTTP status in the Engine API.
/// </summary>
public class BerthException : Exception
{
    public BerthException(BerthErrorKind kind, string message, Exception? inner = null)
        : base(message, inner) => Kind = kind;

    public BerthException() : this(BerthErrorKind.System, "unknown error") { }

    public BerthException(string message) : this(BerthErrorKind.System, message) { }

    public BerthException(string message, Exception inner) : this(BerthErrorKind.System, message, inner) { }

    public BerthErrorKind Kind { get; }

    public static BerthException NotFound(string message) => new(BerthErrorKind.NotFound, message);
    public static BerthException Invalid(string message) => new(BerthErrorKind.InvalidParameter, message);
    public static BerthException Conflict(string message) => new(BerthErrorKind.Conflict, message);
    public static BerthException Forbidden(string message) => new(BerthErrorKind.Forbidden, message);
    public static BerthException NotImplemented(string message) => new(BerthErrorKind.NotImplemented, message);
    public static BerthException Unavailable(string message) => new(BerthErrorKind.Unavailable, message);
}
