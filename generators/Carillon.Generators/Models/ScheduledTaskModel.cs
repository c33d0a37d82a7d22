using Carillon.CompileTime;

namespace Carillon.Generators.Models
{
    /// <summary>
    /// One valid scheduled action, as plain values: no symbols or syntax, so the incremental pipeline can compare it.
    /// </summary>
    /// <param name="ConfigurationKey">The key whose configured value replaces the cron at startup, or null (issue 12).</param>
    /// <param name="MemberVersion">The method- or type-level version, or null when the assembly's applies.</param>
    /// <param name="Retries">The retry policy (issue 13): retries, base delay in seconds, and whether timeouts retry.</param>
    internal sealed record ScheduledTaskModel(
        string Id,
        string Cron,
        string? TimeZone,
        bool AllowOverlap,
        int TimeoutSeconds,
        bool Exclusive,
        bool Enabled,
        int Misfire,
        string? MemberVersion,
        string DeclaringTypeName,
        string DeclaringTypeDisplayName,
        string MethodName,
        bool IsStatic,
        ReturnKind ReturnKind,
        EquatableArray<ArgumentBinding> Arguments,
        string? ConfigurationKey,
        RetryModel Retries);

    /// <summary>A task's retry policy as written on its attribute.</summary>
    internal sealed record RetryModel(int Count, int DelaySeconds, bool OnTimeout);
}
