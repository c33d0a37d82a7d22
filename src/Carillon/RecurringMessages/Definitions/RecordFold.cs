using System.Text;
using System.Text.Json;
using Carillon.RecurringMessages.Firing;
using Confluent.Kafka;

namespace Carillon.RecurringMessages.Definitions;

/// <summary>
/// Applies one record of the recurring-messages topic to a <see cref="ScheduleBook"/>, in the partition's order:
/// the one fold of the owners and of the API's and CLI's readers. A record it cannot read (an unknown kind or version,
/// bad JSON, a name outside the rule) is skipped and reported by the return value, never thrown: one bad record must
/// not stop a partition (docs/wire-format.md: readers ignore what they cannot read).
/// </summary>
internal static class RecordFold
{
    // Strict (a name that is not valid UTF-8 is not a name) and shared: one per record was a garbage source while the
    // owners read back their own claims during a burst (issue 11, docs/benchmarks-recurring-messages.md).
    private static readonly UTF8Encoding s_strictUtf8 = new(false, true);

    public static bool Apply(ScheduleBook book, Message<byte[]?, byte[]?> message, long offset)
    {
        if (message.Key is not { Length: > 0 } keyBytes)
        {
            return false;
        }

        string name;
        try
        {
            name = s_strictUtf8.GetString(keyBytes);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        if (!CompileTime.TaskIdRules.IsValid(name))
        {
            return false;
        }

        var kind = message.Headers?.TryGetLastBytes(RecurringWire.Kind, out var kindBytes) == true ? KindOf(kindBytes) : null;
        if (message.Value is null)
        {
            // A tombstone removes, whatever its kind header says (a compacting cluster may keep only it).
            book.Remove(name);
            return true;
        }

        var at = message.Timestamp.Type == TimestampType.NotAvailable ? DateTimeOffset.UtcNow : DateTimeOffset.FromUnixTimeMilliseconds(message.Timestamp.UnixTimestampMs);
        try
        {
            switch (kind)
            {
                case RecurringWire.DefinitionKind:
                    var definition = JsonSerializer.Deserialize(message.Value, RecurringMessagesJsonContext.Default.DefinitionRecord);
                    return definition is { V: RecurringWire.Version } && book.Define(name, definition, at);
                case RecurringWire.CommandKind:
                    var command = JsonSerializer.Deserialize(message.Value, RecurringMessagesJsonContext.Default.CommandRecord);
                    if (command is not { V: RecurringWire.Version })
                    {
                        return false;
                    }

                    switch (command.Command)
                    {
                        case RecurringCommand.Enable:
                            book.SetEnabled(name, true, at);
                            break;
                        case RecurringCommand.Disable:
                            book.SetEnabled(name, false, at);
                            break;
                        case RecurringCommand.Trigger:
                            book.Trigger(name, offset, DateTimeOffset.FromUnixTimeMilliseconds(command.At));
                            break;
                        default:
                            return false;
                    }

                    return true;
                case RecurringWire.ClaimKind:
                    var claim = JsonSerializer.Deserialize(message.Value, RecurringMessagesJsonContext.Default.ClaimRecord);
                    if (claim is not { V: RecurringWire.Version })
                    {
                        return false;
                    }

                    book.Claimed(name, DateTimeOffset.FromUnixTimeMilliseconds(claim.Occurrence), claim.TriggerOffset);
                    return true;
                default:
                    return false;
            }
        }
        catch (Exception e) when (e is JsonException or ArgumentException or NotSupportedException)
        {
            return false;
        }
    }

    // The kind header as one of the known kinds (no string per record), or null for any other value.
    private static string? KindOf(ReadOnlySpan<byte> kind)
        => kind.SequenceEqual("claim"u8) ? RecurringWire.ClaimKind
            : kind.SequenceEqual("definition"u8) ? RecurringWire.DefinitionKind
            : kind.SequenceEqual("command"u8) ? RecurringWire.CommandKind
            : null;
}
