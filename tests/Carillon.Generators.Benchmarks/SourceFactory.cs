using System.Text;

namespace Carillon.Generators.Benchmarks;

/// <summary>A synthetic project: <c>classes</c> files, each a class with <c>methodsPerClass</c> scheduled methods.</summary>
internal static class SourceFactory
{
    private static readonly string[] Crons = { "*/5 * * * *", "0 2 * * *", "*/10 * * * * *", "@hourly", "0 8 * * 1-5" };

    public static IReadOnlyList<string> Create(int classes, int methodsPerClass, bool withAttributes, string? timeZone = null)
    {
        var files = new List<string>(classes + 1)
        {
            "global using System;\nglobal using System.Threading;\nglobal using System.Threading.Tasks;\nglobal using Carillon;\n"
            + (withAttributes ? "[assembly: ScheduleVersion(\"1.0.0\")]\n" : string.Empty)
            + "namespace Bench { public interface IClock { DateTime Now { get; } } public sealed class Clock : IClock { public DateTime Now => DateTime.UtcNow; } }\n",
        };
        for (var c = 0; c < classes; c++)
        {
            var b = new StringBuilder();
            b.Append("namespace Bench.Jobs").Append(c % 10).Append("\n{\n");
            b.Append("    public sealed class Jobs").Append(c).Append("\n    {\n");
            b.Append("        private readonly Bench.IClock _clock;\n");
            b.Append("        public Jobs").Append(c).Append("(Bench.IClock clock) => _clock = clock;\n");
            b.Append("        public static int Calls;\n");
            for (var m = 0; m < methodsPerClass; m++)
            {
                if (withAttributes)
                {
                    b.Append("        [ScheduledAction(\"").Append(Crons[(c + m) % Crons.Length]).Append("\", Timeout = 30").Append(timeZone is null ? string.Empty : ", TimeZone = \"" + timeZone + "\"").Append(")]\n");
                }

                switch (m % 3)
                {
                    case 0:
                        b.Append("        public Task Run").Append(m).Append("(CancellationToken ct) { Interlocked.Increment(ref Calls); return Task.CompletedTask; }\n");
                        break;
                    case 1:
                        b.Append("        public void Run").Append(m).Append("(ScheduledActionContext context) { if (_clock.Now.Year > 0) Interlocked.Increment(ref Calls); }\n");
                        break;
                    default:
                        b.Append("        public static ValueTask Run").Append(m).Append("(Bench.IClock clock, CancellationToken ct) { Interlocked.Increment(ref Calls); return default; }\n");
                        break;
                }
            }

            b.Append("        public int Unrelated() => 1;\n    }\n}\n");
            files.Add(b.ToString());
        }

        return files;
    }
}
