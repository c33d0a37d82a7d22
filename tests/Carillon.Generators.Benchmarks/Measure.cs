using System.Diagnostics;

namespace Carillon.Generators.Benchmarks;

internal static class Measure
{
    /// <summary>Median wall time of <paramref name="runs"/> runs after one warm-up run.</summary>
    public static double MedianMilliseconds(int runs, Action action)
    {
        action();
        var samples = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var watch = Stopwatch.StartNew();
            action();
            samples[i] = watch.Elapsed.TotalMilliseconds;
        }

        Array.Sort(samples);
        return samples[runs / 2];
    }

    /// <summary>
    /// Medians of several actions measured round-robin (starting point rotating), so drift on a shared machine
    /// (other builds, JIT tiering) hits every side alike.
    /// </summary>
    public static double[] MedianSetMilliseconds(int runs, params Action[] actions)
    {
        foreach (var action in actions)
        {
            action();
        }

        var samples = actions.Select(_ => new double[runs]).ToArray();
        for (var i = 0; i < runs; i++)
        {
            for (var k = 0; k < actions.Length; k++)
            {
                var index = (i + k) % actions.Length;
                GC.Collect();
                GC.WaitForPendingFinalizers();
                var watch = Stopwatch.StartNew();
                actions[index]();
                samples[index][i] = watch.Elapsed.TotalMilliseconds;
            }
        }

        return samples.Select(s =>
        {
            Array.Sort(s);
            return s[runs / 2];
        }).ToArray();
    }

    /// <summary>
    /// As <see cref="MedianSetMilliseconds"/>, but the process CPU time of each action: steadier than wall time when
    /// other builds share the cores, for single-threaded work (compilations with <c>concurrentBuild: false</c>).
    /// </summary>
    public static double[] MedianSetCpuMilliseconds(int runs, params Action[] actions)
    {
        foreach (var action in actions)
        {
            action();
        }

        var samples = actions.Select(_ => new double[runs]).ToArray();
        for (var i = 0; i < runs; i++)
        {
            for (var k = 0; k < actions.Length; k++)
            {
                var index = (i + k) % actions.Length;
                GC.Collect();
                GC.WaitForPendingFinalizers();
                var before = Process.GetCurrentProcess().TotalProcessorTime;
                actions[index]();
                samples[index][i] = (Process.GetCurrentProcess().TotalProcessorTime - before).TotalMilliseconds;
            }
        }

        return samples.Select(s =>
        {
            Array.Sort(s);
            return s[runs / 2];
        }).ToArray();
    }

    public static double Once(Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed.TotalMilliseconds;
    }
}
