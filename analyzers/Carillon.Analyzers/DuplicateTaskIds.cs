using System.Collections.Generic;
using System.Linq;
using Carillon.CompileTime;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Carillon.Analyzers
{
    /// <summary>A task ID declared in source, where the diagnostic should point.</summary>
    internal readonly record struct TaskIdDeclaration(string Id, Location Location);

    /// <summary>
    /// CRL002 at the end of the compilation: every source declaration of a duplicated ID gets a diagnostic (with the
    /// others as additional locations), and IDs that collide with referenced libraries' registries are reported here,
    /// in the assembly that merges them.
    /// </summary>
    internal static class DuplicateTaskIds
    {
        public static void Report(CompilationAnalysisContext context, IEnumerable<TaskIdDeclaration> declarations)
        {
            var local = declarations
                .OrderBy(d => d.Location.SourceTree?.FilePath, System.StringComparer.Ordinal)
                .ThenBy(d => d.Location.SourceSpan.Start)
                .GroupBy(d => d.Id, System.StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.ToList(), System.StringComparer.Ordinal);
            var referenced = new Dictionary<string, List<string>>(System.StringComparer.Ordinal);
            foreach (var assembly in RegistryAssemblies.Of(context.Compilation))
            {
                foreach (var id in ReferencedIds(assembly))
                {
                    if (!referenced.TryGetValue(id, out var owners))
                    {
                        referenced[id] = owners = new List<string>();
                    }

                    owners.Add(assembly.Identity.Name);
                }
            }

            foreach (var pair in local)
            {
                referenced.TryGetValue(pair.Key, out var owners);
                var total = pair.Value.Count + (owners?.Count ?? 0);
                if (total < 2)
                {
                    continue;
                }

                foreach (var declaration in pair.Value)
                {
                    var others = pair.Value.Where(d => d.Location != declaration.Location).Select(d => d.Location).ToList();
                    var where = Describe(pair.Value.Count, owners);
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.DuplicateTaskId, declaration.Location, others, pair.Key, where));
                }
            }

            // Two referenced libraries declaring the same ID: no source location in this assembly, but the merge happens here.
            foreach (var pair in referenced)
            {
                if (pair.Value.Count > 1 && !local.ContainsKey(pair.Key))
                {
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.DuplicateTaskId, Location.None, pair.Key, "in " + string.Join(", ", pair.Value)));
                }
            }
        }

        private static string Describe(int localCount, List<string>? owners)
        {
            var parts = new List<string>();
            if (localCount > 1)
            {
                parts.Add(localCount + " times in this assembly");
            }

            if (owners is not null)
            {
                parts.Add("also in " + string.Join(", ", owners));
            }

            return string.Join("; ", parts);
        }

        private static IEnumerable<string> ReferencedIds(IAssemblySymbol assembly)
        {
            foreach (var attribute in assembly.GetAttributes())
            {
                if (RegistryAssemblies.IsRegistryAttribute(attribute)
                    && attribute.ConstructorArguments.Length == 2
                    && attribute.ConstructorArguments[1].Kind == TypedConstantKind.Array)
                {
                    foreach (var value in attribute.ConstructorArguments[1].Values)
                    {
                        if (value.Value is string id)
                        {
                            yield return id;
                        }
                    }
                }
            }
        }
    }
}
