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
    /// Medians of two actions measured alternately, so drift on a shared machine (other builds, JIT tiering) hits
    /// both sides alike.
    /// </summary>
    public static (double A, double B) MedianPairMilliseconds(int runs, Action a, Action b)
    {
        a();
        b();
        var samplesA = new double[runs];
        var samplesB = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            var firstA = i % 2 == 0;
            for (var k = 0; k < 2; k++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                var runA = (k == 0) == firstA;
                var watch = Stopwatch.StartNew();
                (runA ? a : b)();
                (runA ? samplesA : samplesB)[i] = watch.Elapsed.TotalMilliseconds;
            }
        }

        Array.Sort(samplesA);
        Array.Sort(samplesB);
        return (samplesA[runs / 2], samplesB[runs / 2]);
    }

    public static double Once(Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed.TotalMilliseconds;
    }
}
