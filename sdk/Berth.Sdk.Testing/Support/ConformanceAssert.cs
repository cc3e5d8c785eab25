namespace Berth.Sdk.Testing;

/// <summary>Assertions on how a driver fails: with a <see cref="BerthException"/> of the right Docker error class.</summary>
public static class ConformanceAssert
{
    /// <summary>
    /// Awaits <paramref name="call"/> and asserts it throws a <see cref="BerthException"/> whose kind is one of
    /// <paramref name="kinds"/> (any kind when none is given). Any other exception fails: over the wire it would become
    /// a 500 "system" error.
    /// </summary>
    public static async Task<BerthException> ThrowsBerthAsync(Func<Task> call, params BerthErrorKind[] kinds)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(kinds);
        var expected = kinds.Length == 0 ? "a BerthException" : $"a BerthException of kind {string.Join(" or ", kinds)}";
        try
        {
            await call().ConfigureAwait(false);
        }
        catch (BerthException ex)
        {
            if (kinds.Length > 0 && !kinds.Contains(ex.Kind))
                Assert.Fail($"expected {expected}, got kind {ex.Kind}: {ex.Message}");
            return ex;
        }
        catch (Exception ex) when (ex is not AssertionException and not IgnoreException and not InconclusiveException)
        {
            Assert.Fail($"expected {expected}, got {ex.GetType().Name}: {ex.Message}");
        }
        Assert.Fail($"expected {expected}, but the call succeeded");
        return null!; // unreachable: Assert.Fail throws
    }
}
