using System.Text;

namespace Carillon.CompileTime
{
    /// <summary>Task ID format, default IDs and the sanitizer the CRL003 code fix offers.</summary>
    internal static class TaskIdRules
    {
        public const int MaxLength = 200;

        /// <summary>The documented pattern, as users read it in messages and docs.</summary>
        public const string Pattern = "^[A-Za-z0-9_.-]{1,200}$";

        /// <summary>
        /// Matches <see cref="Pattern"/> (the whole string: no trailing newline either). A loop, not a Regex: nothing to
        /// construct or interpret in a compiler process that starts cold for every build (issue 14).
        /// </summary>
        public static bool IsValid(string? id)
        {
            if (id is null || id.Length == 0 || id.Length > MaxLength)
            {
                return false;
            }

            foreach (var c in id)
            {
                if (!IsAllowed(c))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>The ID a task gets when its attribute sets none: <c>{TypeName}.{MethodName}</c>.</summary>
        public static string DefaultId(string typeName, string methodName) => typeName + "." + methodName;

        /// <summary>Replaces every character outside the allowed set with '_' and trims to the maximum length.</summary>
        public static string Sanitize(string? id)
        {
            if (string.IsNullOrEmpty(id))
            {
                return "task";
            }

            var builder = new StringBuilder(id!.Length);
            foreach (var c in id)
            {
                builder.Append(IsAllowed(c) ? c : '_');
            }

            return builder.Length > MaxLength ? builder.ToString(0, MaxLength) : builder.ToString();
        }

        private static bool IsAllowed(char c)
            => (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    }
}
