using System.Text;
using System.Text.RegularExpressions;

namespace Carillon.CompileTime
{
    /// <summary>Task ID format, default IDs and the sanitizer the CRL003 code fix offers.</summary>
    internal static class TaskIdRules
    {
        public const int MaxLength = 200;

        /// <summary>The documented pattern, as users read it in messages and docs.</summary>
        public const string Pattern = "^[A-Za-z0-9_.-]{1,200}$";

        // \z rather than $: $ would also accept a trailing newline.
        private static readonly Regex Valid = new Regex(@"^[A-Za-z0-9_.-]{1,200}\z", RegexOptions.CultureInvariant);

        public static bool IsValid(string? id) => id is not null && Valid.IsMatch(id);

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
                var allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
                builder.Append(allowed ? c : '_');
            }

            return builder.Length > MaxLength ? builder.ToString(0, MaxLength) : builder.ToString();
        }
    }
}
