using System;
using System.Collections.Generic;
using System.Globalization;
using Cronos;

namespace Carillon.Analyzers.Timing
{
    /// <summary>Whether a transition skips local time (spring forward) or repeats it (fall back).</summary>
    internal enum DstChange
    {
        Gap,
        Overlap,
    }

    /// <summary>
    /// One daylight-saving transition that changes when a task runs: the written local time that does not exist or
    /// happens twice, and the instants the runtime's schedule (Cronos through CronSchedule) actually fires at for it.
    /// </summary>
    internal sealed class DstFinding
    {
        public DstFinding(DstChange change, DateTime transitionUtc, DateTime clockFrom, DateTime clockTo, DateTime localTime, IReadOnlyList<DateTime> runsUtc, IReadOnlyList<DateTime> notRunUtc)
        {
            Change = change;
            TransitionUtc = transitionUtc;
            ClockFrom = clockFrom;
            ClockTo = clockTo;
            LocalTime = localTime;
            RunsUtc = runsUtc;
            NotRunUtc = notRunUtc;
        }

        public DstChange Change { get; }

        public DateTime TransitionUtc { get; }

        /// <summary>The wall clock just before the transition ("clocks jump from 02:00").</summary>
        public DateTime ClockFrom { get; }

        /// <summary>The wall clock just after it ("to 03:00").</summary>
        public DateTime ClockTo { get; }

        /// <summary>The written local time (date and time of day) that does not exist or happens twice.</summary>
        public DateTime LocalTime { get; }

        /// <summary>The UTC instants the runtime fires at for it (gap: the shifted run, if any; overlap: the passes that run).</summary>
        public IReadOnlyList<DateTime> RunsUtc { get; }

        /// <summary>Overlap only: the pass of the repeated local time that does not run.</summary>
        public IReadOnlyList<DateTime> NotRunUtc { get; }
    }

    /// <summary>The next gap and the next overlap, within the horizon, that change when a task runs (CRL011).</summary>
    internal sealed class DstExposure
    {
        /// <summary>How far ahead the build looks: two years of transitions, a few offset samples per day.</summary>
        public static readonly TimeSpan Horizon = TimeSpan.FromDays(2 * 366);

        private DstExposure(IReadOnlyList<DstFinding> findings) => Findings = findings;

        /// <summary>At most one gap and one overlap, the earliest of each, in date order.</summary>
        public IReadOnlyList<DstFinding> Findings { get; }

        /// <summary>
        /// Looks at every offset change of <paramref name="zone"/> in [<paramref name="fromUtc"/>, +<paramref name="horizon"/>)
        /// and compares what the runtime fires with what the wall clock reads: nothing to say when they agree (an hourly
        /// cron keeps its cadence through both changes), a finding when a written time is moved, dropped or repeated.
        /// </summary>
        public static DstExposure? Find(CronExpression cron, TimeZoneInfo zone, DateTime fromUtc, TimeSpan horizon)
        {
            DstFinding? gap = null;
            DstFinding? overlap = null;
            foreach (var (at, before, after) in Transitions(zone, fromUtc, fromUtc + horizon))
            {
                if (after > before && gap is null)
                {
                    gap = GapFinding(cron, zone, at, before, after);
                }
                else if (after < before && overlap is null)
                {
                    overlap = OverlapFinding(cron, zone, at, before, after);
                }

                if (gap is not null && overlap is not null)
                {
                    break;
                }
            }

            var findings = new List<DstFinding>();
            if (gap is not null)
            {
                findings.Add(gap);
            }

            if (overlap is not null)
            {
                findings.Add(overlap);
            }

            findings.Sort((x, y) => x.TransitionUtc.CompareTo(y.TransitionUtc));
            return findings.Count == 0 ? null : new DstExposure(findings);
        }

        /// <summary>The offset changes: one sample a day, then a binary search to the minute for each change found.</summary>
        internal static IEnumerable<(DateTime At, TimeSpan Before, TimeSpan After)> Transitions(TimeZoneInfo zone, DateTime fromUtc, DateTime untilUtc)
        {
            var day = fromUtc;
            var offset = zone.GetUtcOffset(day);
            while (day < untilUtc)
            {
                var next = day.AddDays(1);
                var nextOffset = zone.GetUtcOffset(next);
                if (nextOffset != offset)
                {
                    // Invariant: offset at lo is the old one, at hi the new one; transitions fall on whole minutes.
                    long lo = 0;
                    long hi = 24 * 60;
                    while (hi - lo > 1)
                    {
                        var mid = (lo + hi) / 2;
                        if (zone.GetUtcOffset(day.AddMinutes(mid)) == offset)
                        {
                            lo = mid;
                        }
                        else
                        {
                            hi = mid;
                        }
                    }

                    yield return (day.AddMinutes(hi), offset, nextOffset);
                }

                day = next;
                offset = nextOffset;
            }
        }

        // Outside the changed local times the runtime and the wall clock map times one to one, so only two things can
        // differ, each checked with one or two Cronos calls whatever the cron's density (a per-second cron costs the
        // same as a daily one): in a gap, whether the runtime fires at the transition instant and resumes right after
        // it; in an overlap, which passes of the first repeated written time it fires (Cronos treats every written time
        // of an expression alike).
        private static DstFinding? GapFinding(CronExpression cron, TimeZoneInfo zone, DateTime at, TimeSpan before, TimeSpan after)
        {
            var clockFrom = at + before;
            var clockTo = at + after;
            if (WrittenAtOrAfter(cron, clockFrom) is not { } written || written >= clockTo)
            {
                return null;
            }

            var span = after - before;
            // From just before the transition, as the engine's cursor comes from an earlier run: a search starting at
            // the transition itself would not see the occurrence Cronos moves there.
            var next = cron.GetNextOccurrence(at.AddTicks(-1), zone, inclusive: false);
            var ranAtTransition = next == at;
            var endWritten = WrittenAtOrAfter(cron, clockTo) == clockTo;
            var caughtUp = next is { } n && n <= at + span;
            if (ranAtTransition == endWritten && caughtUp)
            {
                // The runtime reads the wall clock and the schedule resumes right after the gap (hourly at 03:00):
                // the cadence is kept, nothing to warn about.
                return null;
            }

            var runs = ranAtTransition && !endWritten ? new[] { at } : Array.Empty<DateTime>();
            return new DstFinding(DstChange.Gap, at, clockFrom, clockTo, written, runs, Array.Empty<DateTime>());
        }

        private static DstFinding? OverlapFinding(CronExpression cron, TimeZoneInfo zone, DateTime at, TimeSpan before, TimeSpan after)
        {
            var clockFrom = at + before;
            var clockTo = at + after;
            if (WrittenAtOrAfter(cron, clockTo) is not { } written || written >= clockFrom)
            {
                return null;
            }

            var first = DateTime.SpecifyKind(written - before, DateTimeKind.Utc);
            var second = DateTime.SpecifyKind(written - after, DateTimeKind.Utc);
            // The engine's cursor walk, in two steps: no written time lies between the clock going back and `written`, so
            // the walk reaches the first pass from just before it, and the second pass from just before the transition
            // (whatever first-pass runs came in between, a dense cron's included).
            var runsFirst = cron.GetNextOccurrence(first.AddTicks(-1), zone, inclusive: false) == first;
            var runsSecond = cron.GetNextOccurrence(at.AddTicks(-1), zone, inclusive: false) == second;
            if (runsFirst && runsSecond)
            {
                // Both passes run, as the wall clock reads (an hourly or interval cron): cadence kept.
                return null;
            }

            var runs = new List<DateTime>();
            var notRun = new List<DateTime>();
            (runsFirst ? runs : notRun).Add(first);
            (runsSecond ? runs : notRun).Add(second);
            return new DstFinding(DstChange.Overlap, at, clockFrom, clockTo, written, runs, notRun);
        }

        // The first written local time at or after the wall-clock time: the cron read in UTC is the cron read on a wall clock.
        private static DateTime? WrittenAtOrAfter(CronExpression cron, DateTime wallClock)
            => cron.GetNextOccurrence(DateTime.SpecifyKind(wallClock, DateTimeKind.Utc), inclusive: true);

        /// <summary>The message clause for one finding (CRL011's {2}).</summary>
        public static string Describe(DstFinding finding)
        {
            var date = finding.LocalTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var time = Clock(finding.LocalTime);
            if (finding.Change == DstChange.Gap)
            {
                var what = finding.RunsUtc.Count == 1
                    ? "Carillon runs it at " + Clock(finding.ClockTo) + " local (" + Clock(finding.RunsUtc[0]) + " UTC) instead"
                    : "Carillon does not run it that day";
                return "on " + date + " the local time " + time + " does not exist (clocks jump from " + Clock(finding.ClockFrom) + " to " + Clock(finding.ClockTo) + "), so " + what;
            }

            string does;
            if (finding.RunsUtc.Count == 1)
            {
                var which = finding.RunsUtc[0] < finding.NotRunUtc[0] ? "first" : "second";
                does = "Carillon runs it once, at the " + which + " " + time + " (" + Clock(finding.RunsUtc[0]) + " UTC), not at " + Clock(finding.NotRunUtc[0]) + " UTC";
            }
            else if (finding.RunsUtc.Count == 2)
            {
                does = "Carillon runs it twice (" + Clock(finding.RunsUtc[0]) + " and " + Clock(finding.RunsUtc[1]) + " UTC)";
            }
            else
            {
                does = "Carillon runs it at neither";
            }

            return "on " + date + " the local time " + time + " happens twice (clocks go back from " + Clock(finding.ClockFrom) + " to " + Clock(finding.ClockTo) + "), so " + does;
        }

        private static string Clock(DateTime time)
            => time.ToString(time.Second == 0 ? "HH:mm" : "HH:mm:ss", CultureInfo.InvariantCulture);
    }
}
