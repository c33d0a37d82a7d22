using System;
using System.Collections.Generic;

namespace Carillon.Generators.Parser
{
    /// <summary>
    /// Every name a type name in source could bind to, in source and in every reference, filled by
    /// <see cref="UniqueTypeNames"/>'s one scan. It resolves a service parameter's type written as a plain name
    /// (<c>IClock</c>, <c>Bench.IClock</c>) without binding, when only one thing anywhere has that name (issue 14):
    /// then the name binds to that type or does not bind at all, wherever it is written. Anything else is bound.
    /// </summary>
    internal sealed class TypeNameIndex
    {
        private readonly Dictionary<string, NameEntry> _names = new(StringComparer.Ordinal);

        /// <summary>A top-level type. <paramref name="usable"/>: a non-generic class or interface visible to the compilation's source.</summary>
        public void AddType(string ns, string name, bool usable)
        {
            var entry = Entry(name);
            entry.Types++;
            entry.Namespace = ns;
            entry.Usable = usable;
        }

        /// <summary>A namespace segment; <paramref name="topLevel"/> when it is directly in the global namespace.</summary>
        public void AddNamespace(string name, bool topLevel)
        {
            var entry = Entry(name);
            if (topLevel)
            {
                entry.TopLevelNamespace = true;
            }
            else
            {
                entry.Other = true;
            }
        }

        /// <summary>Anything else a name lookup can find: a nested type, a type parameter, an alias, a generic type.</summary>
        public void AddOther(string name) => Entry(name).Other = true;

        /// <summary>
        /// The namespace (empty for the global one) of the one type named <paramref name="name"/>, when nothing else
        /// has that name and the type is usable; null otherwise.
        /// </summary>
        public string? OnlyType(string name)
            => _names.TryGetValue(name, out var entry) && entry.Types == 1 && entry.Usable && !entry.Other && !entry.TopLevelNamespace
                ? entry.Namespace
                : null;

        /// <summary>Whether <paramref name="name"/> can only be the top-level namespace of that name.</summary>
        public bool OnlyTopLevelNamespace(string name)
            => _names.TryGetValue(name, out var entry) && entry.TopLevelNamespace && entry.Types == 0 && !entry.Other;

        private NameEntry Entry(string name)
        {
            if (!_names.TryGetValue(name, out var entry))
            {
                _names[name] = entry = new NameEntry();
            }

            return entry;
        }

        private sealed class NameEntry
        {
            public int Types;
            public string Namespace = string.Empty;
            public bool Usable;
            public bool TopLevelNamespace;
            public bool Other;
        }
    }
}
