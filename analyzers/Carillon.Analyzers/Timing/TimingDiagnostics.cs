using System;
using System.Globalization;
using System.Linq;
using Carillon.CompileTime;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Carillon.Analyzers.Timing
{
    /// <summary>
    /// CRL010 (timeout and overlap against the schedule's interval) and CRL011 (daylight-saving time) for one valid
    /// <c>[ScheduledAction]</c>, as the user types; the timings come from the per-(cron, zone) cache.
    /// </summary>
    internal static class TimingDiagnostics
    {
        private static readonly TimeSpan s_pileUpInterval = TimeSpan.FromMinutes(1);

        public static void Report(SymbolAnalysisContext context, ScheduledActionArguments arguments, AttributeSyntax? syntax)
        {
            var cron = arguments.Cron;
            if (cron is null)
            {
                return;
            }

            var checksOverlap = arguments.AllowOverlap ? arguments.Timeout == 0 : arguments.Timeout > 0;
            var inLocalTime = !string.IsNullOrEmpty(arguments.TimeZone) && arguments.TimeZone != "UTC";
            if (!checksOverlap && !inLocalTime)
            {
                return;
            }

            if (ScheduleTimings.For(cron, arguments.TimeZone) is not { } timings)
            {
                return;
            }

            if (checksOverlap && timings.ShortestGap is { } gap)
            {
                var interval = CronCadence.Describe(gap);
                if (!arguments.AllowOverlap && TimeSpan.FromSeconds(arguments.Timeout) > gap)
                {
                    var reason = "but Timeout is " + arguments.Timeout.ToString(CultureInfo.InvariantCulture)
                        + " s and AllowOverlap is false: occurrences that come while a run is still going are skipped; shorten Timeout, space the schedule out, or set AllowOverlap = true";
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.OverlapVersusTimeout, Named(syntax, "Timeout"), cron, interval, reason));
                }
                else if (arguments.AllowOverlap && gap <= s_pileUpInterval)
                {
                    var reason = "and AllowOverlap is true with no Timeout: runs slower than " + interval + " pile up; set a Timeout";
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.OverlapVersusTimeout, Named(syntax, "AllowOverlap"), cron, interval, reason));
                }
            }

            if (inLocalTime && timings.Dst is { } dst)
            {
                var clauses = string.Join("; ", dst.Findings.Select(DstExposure.Describe));
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.DaylightSavingTime, AttributeSyntaxLocator.Positional(syntax, 0), cron, arguments.TimeZone, clauses));
            }
        }

        private static Location Named(AttributeSyntax? syntax, string name)
            => AttributeSyntaxLocator.Named(syntax, name) ?? syntax?.GetLocation() ?? Location.None;
    }
}
