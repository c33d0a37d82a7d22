using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;

namespace Carillon.CompileTime
{
    /// <summary>What is wrong with one <c>[ScheduledAction]</c>; the analyzers turn each into its diagnostic.</summary>
    internal enum ScheduledActionProblemKind
    {
        InvalidCron,
        NeverFires,
        InvalidTaskId,
        NegativeTimeout,
        NegativeRetry,
        RetryWithoutRetries,
        UnknownTimeZone,
        UnsupportedMethod,
        AsyncVoid,
    }

    /// <param name="MessageArguments">The values the diagnostic's message is formatted with, in order.</param>
    /// <param name="Blocks">True when no code can be generated for the method (an error, not a warning).</param>
    internal sealed record ScheduledActionProblem(ScheduledActionProblemKind Kind, bool Blocks, params string[] MessageArguments)
    {
        /// <summary>The value a code fix may write instead of the wrong one, when the rewrite is unambiguous.</summary>
        public string? Replacement { get; init; }
    }

    /// <summary>
    /// The one check of a <c>[ScheduledAction]</c> method that the generator and the analyzers share: the generator
    /// generates from <see cref="Shape"/> when nothing <see cref="ScheduledActionProblem.Blocks"/>, the analyzers report
    /// every problem. So the two can never disagree about what is valid.
    /// </summary>
    internal sealed class ScheduledActionCheck
    {
        private ScheduledActionCheck(ScheduledActionArguments arguments, string id, MethodShape? shape, ImmutableArray<ScheduledActionProblem> problems)
        {
            Arguments = arguments;
            Id = id;
            Shape = shape;
            Problems = problems;
        }

        public ScheduledActionArguments Arguments { get; }

        /// <summary>The effective task ID (explicit, or <c>{TypeName}.{MethodName}</c>).</summary>
        public string Id { get; }

        /// <summary>How to call the method; null when it cannot be called from generated code.</summary>
        public MethodShape? Shape { get; }

        public ImmutableArray<ScheduledActionProblem> Problems { get; }

        /// <summary>True when code can be generated: a shape and no blocking problem (warnings do not block).</summary>
        public bool CanGenerate
        {
            get
            {
                if (Shape is null)
                {
                    return false;
                }

                foreach (var problem in Problems)
                {
                    if (problem.Blocks)
                    {
                        return false;
                    }
                }

                return true;
            }
        }

        /// <summary>
        /// Checks <paramref name="method"/> against its bound <paramref name="arguments"/>. Warnings that only matter to
        /// people (an unknown time zone, <c>async void</c>) are checked when <paramref name="includeWarnings"/>; the
        /// generator skips them, since they never stop generation and cost time on every edit.
        /// </summary>
        public static ScheduledActionCheck Run(IMethodSymbol method, ScheduledActionArguments arguments, Compilation compilation, bool includeWarnings)
        {
            var methodName = method.ContainingType is null ? method.Name : method.ContainingType.Name + "." + method.Name;
            var id = arguments.EffectiveId(method);
            var problems = CheckArguments(arguments, id, methodName, includeWarnings);
            if (!MethodRules.TryAnalyze(method, compilation, out var shape, out var reason))
            {
                problems.Add(new ScheduledActionProblem(ScheduledActionProblemKind.UnsupportedMethod, true, methodName, reason));
            }
            else if (includeWarnings && method.IsAsync && method.ReturnsVoid)
            {
                problems.Add(new ScheduledActionProblem(ScheduledActionProblemKind.AsyncVoid, false, methodName));
            }

            return new ScheduledActionCheck(arguments, id, shape, problems.ToImmutableArray());
        }

        /// <summary>
        /// The problems of the attribute's own values (cron, ID, timeout, retries), which do not depend on the method:
        /// the bound check above and the generator's syntax fast path (issue 14) both use it.
        /// </summary>
        /// <param name="methodName"><c>{TypeName}.{MethodName}</c>, for the messages.</param>
        public static List<ScheduledActionProblem> CheckArguments(ScheduledActionArguments arguments, string id, string methodName, bool includeWarnings)
        {
            var problems = new List<ScheduledActionProblem>();
            switch (CronVerdicts.Check(arguments.Cron, out var cronError))
            {
                case CronVerdict.Invalid:
                    problems.Add(new ScheduledActionProblem(ScheduledActionProblemKind.InvalidCron, true, arguments.Cron ?? "null", cronError)
                    {
                        Replacement = includeWarnings && arguments.Cron is not null ? CronDialects.Recognize(arguments.Cron)?.Replacement : null,
                    });
                    break;
                case CronVerdict.NeverFires:
                    problems.Add(new ScheduledActionProblem(ScheduledActionProblemKind.NeverFires, true, arguments.Cron!, cronError));
                    break;
            }

            if (!TaskIdRules.IsValid(id))
            {
                problems.Add(new ScheduledActionProblem(ScheduledActionProblemKind.InvalidTaskId, true, id));
            }

            if (arguments.Timeout < 0)
            {
                problems.Add(new ScheduledActionProblem(ScheduledActionProblemKind.NegativeTimeout, true, methodName, arguments.Timeout.ToString(CultureInfo.InvariantCulture)));
            }

            // Issue 13: the runtime's WithRetries would throw at startup for a negative value; a delay or a timeout
            // rule without Retries is never used, which is almost always a forgotten Retries.
            if (arguments.Retries < 0)
            {
                problems.Add(new ScheduledActionProblem(ScheduledActionProblemKind.NegativeRetry, true, methodName, "Retries", arguments.Retries.ToString(CultureInfo.InvariantCulture), "0 for no retry"));
            }

            if (arguments.RetryDelay < 0)
            {
                problems.Add(new ScheduledActionProblem(ScheduledActionProblemKind.NegativeRetry, true, methodName, "RetryDelay", arguments.RetryDelay.ToString(CultureInfo.InvariantCulture), "0 to retry at once"));
            }

            if (includeWarnings && arguments.Retries == 0 && (arguments.RetryDelayWritten || arguments.RetryOnTimeout))
            {
                problems.Add(new ScheduledActionProblem(ScheduledActionProblemKind.RetryWithoutRetries, false, methodName, arguments.RetryDelayWritten ? "RetryDelay" : "RetryOnTimeout"));
            }

            if (includeWarnings && arguments.TimeZone is not null && !TimeZoneRules.IsKnown(arguments.TimeZone))
            {
                problems.Add(new ScheduledActionProblem(ScheduledActionProblemKind.UnknownTimeZone, false, arguments.TimeZone));
            }

            return problems;
        }

        /// <summary>True when none of <paramref name="problems"/> stops generation.</summary>
        public static bool NoneBlocks(IReadOnlyList<ScheduledActionProblem> problems)
        {
            foreach (var problem in problems)
            {
                if (problem.Blocks)
                {
                    return false;
                }
            }

            return true;
        }
    }
}
