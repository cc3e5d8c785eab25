using System.Reflection;
using NUnit.Framework.Internal;

namespace Berth.Conformance.Tests.Support;

/// <summary>How one check of the kit ended when run by hand on a fixture instance.</summary>
internal sealed record KitOutcome(bool Passed, string Message);

/// <summary>
/// Runs one conformance check (SetUp, the test method, TearDown) of a kit fixture in an isolated NUnit context, so its
/// failure is observed here instead of failing the test that asks.
/// </summary>
internal static class KitRun
{
    public static async Task<KitOutcome> RunAsync(object fixture, string check)
    {
        var type = fixture.GetType();
        var method = type.GetMethod(check, BindingFlags.Public | BindingFlags.Instance)
            ?? throw new ArgumentException($"{type.Name} has no check {check}", nameof(check));
        using var isolated = new TestExecutionContext.IsolatedContext();
        try
        {
            await InvokeAllAsync(fixture, typeof(SetUpAttribute));
            try
            {
                await InvokeAsync(fixture, method);
            }
            finally
            {
                await InvokeAllAsync(fixture, typeof(TearDownAttribute));
            }
            return new KitOutcome(true, "");
        }
        catch (AssertionException e)
        {
            return new KitOutcome(false, e.Message);
        }
    }

    private static async Task InvokeAllAsync(object fixture, Type attribute)
    {
        foreach (var method in fixture.GetType().GetMethods(BindingFlags.Public | BindingFlags.Instance).Where(m => m.IsDefined(attribute, inherit: true)))
            await InvokeAsync(fixture, method);
    }

    private static async Task InvokeAsync(object fixture, MethodInfo method)
    {
        try
        {
            if (method.Invoke(fixture, null) is Task task)
                await task;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
        }
    }
}
