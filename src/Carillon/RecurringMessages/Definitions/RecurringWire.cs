using System.Globalization;
using System.Text;

namespace Carillon.RecurringMessages.Definitions;

/// <summary>
/// The recurring-messages topic's wire contract (docs/wire-format.md, "Recurring messages"): every record is keyed by
/// the schedule's name (UTF-8) and says what it is in the <see cref="Kind"/> header; a record with no value is a
/// removal. Trace headers go on the records produced at each occurrence.
/// </summary>
internal static class RecurringWire
{
    public const string Kind = "carillon-recurring-kind";
    public const string DefinitionKind = "definition";
    public const string CommandKind = "command";
    public const string ClaimKind = "claim";

    /// <summary>Trace headers on a produced occurrence: the schedule's name, the occurrence (Unix ms), the instance, and why it fired.</summary>
    public const string ScheduleHeader = "carillon-recurring-name";
    public const string OccurrenceHeader = "carillon-recurring-occurrence";
    public const string InstanceHeader = "carillon-recurring-instance";
    public const string TriggerHeader = "carillon-recurring-trigger";

    /// <summary>Header names users cannot set on a definition: Carillon's own.</summary>
    public const string ReservedPrefix = "carillon-";

    public const int Version = 1;

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public static byte[] UnixMs(DateTimeOffset at) => Encoding.ASCII.GetBytes(at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
}
