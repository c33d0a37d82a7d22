using Microsoft.CodeAnalysis;

namespace Carillon.Analyzers
{
    /// <summary>Every Carillon diagnostic. IDs are fixed (documented in docs/diagnostics.md and the release tracking files).</summary>
    public static class DiagnosticDescriptors
    {
        public const string Category = "Carillon";

        /// <summary>The repository's address; <c>RepositoryUrl</c> in Directory.Build.props is the same (a test checks it).</summary>
        public const string RepositoryUrl = "https://github.com/carillon-dotnet/carillon";

        /// <summary>Diagnostic property holding the unambiguous rewrite of a wrong value, for the code fixes.</summary>
        public const string ReplacementProperty = "Replacement";

        private const string HelpBase = RepositoryUrl + "/blob/main/docs/diagnostics.md#";

        // The rule's own pattern, its braces escaped for the message format.
        private static readonly string TaskIdPatternForMessage = Carillon.CompileTime.TaskIdRules.Pattern.Replace("{", "{{").Replace("}", "}}");

        public static readonly DiagnosticDescriptor InvalidCron = Create(
            "CRL001",
            "Invalid cron expression",
            "Cron expression '{0}' {1}",
            DiagnosticSeverity.Error,
            "The cron expression must be accepted by Cronos, the parser the runtime uses (5 fields, 6 fields with seconds first, or a macro such as @hourly), and must match at least one date.");

        public static readonly DiagnosticDescriptor DuplicateTaskId = Create(
            "CRL002",
            "Duplicate scheduled task ID",
            "Task ID '{0}' is declared more than once ({1})",
            DiagnosticSeverity.Error,
            "Task IDs must be unique across the application, including the libraries it references.",
            WellKnownDiagnosticTags.CompilationEnd);

        public static readonly DiagnosticDescriptor InvalidTaskId = Create(
            "CRL003",
            "Invalid scheduled task ID",
            "Task ID '{0}' is invalid: it must match " + TaskIdPatternForMessage,
            DiagnosticSeverity.Error,
            "Task IDs are 1 to 200 characters: letters, digits, '_', '.' and '-'.");

        public static readonly DiagnosticDescriptor InvalidVersion = Create(
            "CRL004",
            "Invalid schedule version",
            "Schedule version '{0}' is invalid: expected MAJOR.MINOR.PATCH with an optional -prerelease",
            DiagnosticSeverity.Error,
            "Schedule versions are compared by the runtime to fence out older deployments; they must be semantic versions.");

        public static readonly DiagnosticDescriptor UnsupportedMethod = Create(
            "CRL005",
            "Unsupported scheduled method",
            "Method '{0}' cannot be scheduled: {1}",
            DiagnosticSeverity.Error,
            "Scheduled methods are non-generic, return void, Task or ValueTask, take services, a CancellationToken or a ScheduledActionContext by value, and are callable from the generated registry.");

        public static readonly DiagnosticDescriptor NegativeTimeout = Create(
            "CRL006",
            "Negative timeout",
            "Timeout of scheduled method '{0}' is negative ({1} s); use 0 for no timeout",
            DiagnosticSeverity.Error,
            "Timeout is in seconds; 0 means no timeout.");

        public static readonly DiagnosticDescriptor UnknownTimeZone = Create(
            "CRL007",
            "Unknown time zone",
            "Time zone '{0}' is not a known IANA or Windows time-zone ID",
            DiagnosticSeverity.Warning,
            "The time zone must be an IANA (Europe/Paris) or Windows (Romance Standard Time) ID known to the runtime.");

        public static readonly DiagnosticDescriptor AsyncVoid = Create(
            "CRL008",
            "Scheduled method is async void",
            "Scheduled method '{0}' is async void: the runtime cannot await it or observe its exceptions; return Task",
            DiagnosticSeverity.Warning,
            "An async void method returns at its first await, so timeouts, overlap control and failure recording do not work.");

        public static readonly DiagnosticDescriptor NeverFires = Create(
            "CRL009",
            "Cron expression never fires",
            "Cron expression '{0}' {1}; for a task that is meant to be off, keep a real schedule and set Enabled = false",
            DiagnosticSeverity.Error,
            "Cronos accepts some day/month combinations that match no date; the runtime would register a task that never runs. No code is generated for it.");

        public static readonly DiagnosticDescriptor OverlapVersusTimeout = Create(
            "CRL010",
            "Timeout and overlap do not fit the schedule",
            "Cron '{0}' fires every {1} at the shortest, {2}",
            DiagnosticSeverity.Warning,
            "With AllowOverlap = false, a Timeout longer than the shortest interval between occurrences means occurrences are skipped while a run is still going; with AllowOverlap = true and no Timeout on a schedule of a minute or less, slow runs pile up.");

        public static readonly DiagnosticDescriptor DaylightSavingTime = Create(
            "CRL011",
            "Daylight-saving time changes when the task runs",
            "Cron '{0}' in time zone '{1}': {2}; to avoid it, schedule in UTC or at a local time outside the change, or suppress CRL011 to accept it",
            DiagnosticSeverity.Warning,
            "A cron at fixed local times in a zone with daylight-saving transitions has occurrences that do not exist (spring forward) or happen twice (fall back). The message names the next such dates within two years and what the runtime does then.");

        public static readonly DiagnosticDescriptor RepeatedActionId = Create(
            "CRL012",
            "Repeated [ScheduledAction] without its own ID",
            "Method '{0}' has several [ScheduledAction]: each is its own task and needs its own explicit Id; {1}",
            DiagnosticSeverity.Error,
            "A method may carry several [ScheduledAction], one task each; the default ID {TypeName}.{MethodName} would be the same for all of them, so each must set a distinct Id. No task is generated for the attribute reported.");

        public static readonly DiagnosticDescriptor NegativeRetry = Create(
            "CRL013",
            "Negative retry setting",
            "{1} of scheduled method '{0}' is negative ({2}); use {3}",
            DiagnosticSeverity.Error,
            "Retries counts the attempts after the first (0: never retry); RetryDelay is the base delay before the first retry, in seconds. Neither can be negative. No code is generated for the task.");

        public static readonly DiagnosticDescriptor RetryWithoutRetries = Create(
            "CRL014",
            "Retry setting without Retries",
            "{1} of scheduled method '{0}' has no effect: Retries is 0, so no attempt is ever retried; set Retries, or remove {1}",
            DiagnosticSeverity.Warning,
            "RetryDelay and RetryOnTimeout only shape retries, and a task retries only when Retries is 1 or more.");

        private static DiagnosticDescriptor Create(string id, string title, string message, DiagnosticSeverity severity, string description, params string[] tags)
            => new DiagnosticDescriptor(
                id,
                title,
                message,
                Category,
                severity,
                isEnabledByDefault: true,
                description: description,
                helpLinkUri: HelpBase + id.ToLowerInvariant(),
                customTags: tags);
    }
}
