using System.Globalization;
using System.Text;

namespace Carillon.Benchmarks.Delayed;

/// <summary>
/// Issue 14 (temporary instrumentation): the CPU each of this process's threads used since a mark, summed by thread
/// name with digits blanked (librdkafka's broker threads, the mock's thread, the dispatcher's loops), from
/// /proc/self/task/*/stat. Threads must still exist when <see cref="Since"/> is read.
/// </summary>
internal sealed class ThreadCpu
{
    private readonly Dictionary<int, long> _ticks;

    private ThreadCpu(Dictionary<int, long> ticks) => _ticks = ticks;

    public static ThreadCpu Now() => new(Read().ToDictionary(t => t.Tid, t => t.Ticks));

    public string Since(int top = 8)
    {
        var groups = new Dictionary<string, (long Ticks, int Threads)>();
        var single = new List<(string Name, long Ticks)>();
        foreach (var (tid, name, ticks) in Read())
        {
            var delta = ticks - _ticks.GetValueOrDefault(tid);
            if (delta <= 0)
            {
                continue;
            }

            single.Add((name, delta));

            var key = Normalize(name);
            var g = groups.GetValueOrDefault(key);
            groups[key] = (g.Ticks + delta, g.Threads + 1);
        }

        var total = groups.Values.Sum(g => g.Ticks);
        return $"threads {total / 100.0:F1} s: " + string.Join(", ", groups.OrderByDescending(g => g.Value.Ticks).Take(top)
            .Select(g => $"{g.Key} {g.Value.Ticks / 100.0:F1} s ({g.Value.Threads})"))
            + "; top threads: " + string.Join(", ", single.OrderByDescending(t => t.Ticks).Take(6).Select(t => $"{t.Name} {t.Ticks / 100.0:F2}"));
    }

    private static string Normalize(string name)
    {
        var b = new StringBuilder();
        foreach (var c in name)
        {
            if (char.IsDigit(c))
            {
                if (b.Length == 0 || b[^1] != '#')
                {
                    b.Append('#');
                }
            }
            else
            {
                b.Append(c);
            }
        }

        return b.ToString();
    }

    private static List<(int Tid, string Name, long Ticks)> Read()
    {
        var list = new List<(int, string, long)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var open = stat.IndexOf('(', StringComparison.Ordinal);
                var close = stat.LastIndexOf(')');
                var name = stat[(open + 1)..close];
                var fields = stat[(close + 2)..].Split(' ');

                // After the name: state(0) ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime(11) stime(12).
                var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                list.Add((int.Parse(Path.GetFileName(dir), CultureInfo.InvariantCulture), name, ticks));
            }
            catch (IOException)
            {
            }
        }

        return list;
    }
}
