using System.Globalization;
using System.Text;

namespace Carillon.Generators.Emitter
{
    /// <summary>
    /// The one way emitters write text: whole lines at the current indentation (four spaces a level), with braces that
    /// open and close a level, so no emitter counts spaces or writes a newline of its own.
    /// </summary>
    internal sealed class SourceWriter
    {
        private const string IndentUnit = "    ";
        private readonly StringBuilder _text = new StringBuilder();
        private int _level;

        /// <summary>Writes one line at the current indentation; an empty line carries no indentation.</summary>
        public SourceWriter Line(string text = "")
        {
            if (text.Length > 0)
            {
                for (var i = 0; i < _level; i++)
                {
                    _text.Append(IndentUnit);
                }

                _text.Append(text);
            }

            _text.Append('\n');
            return this;
        }

        /// <summary>Writes several lines given as one text (each at the current indentation).</summary>
        public SourceWriter Lines(string text)
        {
            foreach (var line in text.Split('\n'))
            {
                Line(line);
            }

            return this;
        }

        /// <summary>Writes a line with no indentation, whatever the level (preprocessor directives).</summary>
        public SourceWriter Directive(string text)
        {
            _text.Append(text).Append('\n');
            return this;
        }

        /// <summary>Writes <c>{</c> and indents.</summary>
        public SourceWriter Open()
        {
            Line("{");
            _level++;
            return this;
        }

        /// <summary>Unindents and writes <c>}</c> with an optional suffix (<c>;</c>, <c>,</c>).</summary>
        public SourceWriter Close(string suffix = "")
        {
            _level--;
            return Line("}" + suffix);
        }

        /// <summary>Runs <paramref name="body"/> one level deeper, without braces (expression bodies, wrapped lines).</summary>
        public SourceWriter Indented(System.Action<SourceWriter> body)
        {
            _level++;
            body(this);
            _level--;
            return this;
        }

        public static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

        public override string ToString() => _text.ToString();
    }
}
