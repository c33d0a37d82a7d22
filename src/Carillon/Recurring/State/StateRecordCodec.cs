using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Carillon.Protocol;

namespace Carillon.Recurring.State;

/// <summary>The result of decoding one record: the record, or why it was rejected.</summary>
internal readonly record struct DecodeResult(StateRecord? Record, string? Error)
{
    public static DecodeResult Fail(string error) => new(null, error);
}

/// <summary>
/// Encodes schedules-topic records as versioned JSON and decodes them tolerantly: garbage, an unknown schema version,
/// an unknown kind or command, or a missing field gives an error result, never an exception, so that one bad record
/// written by anyone can never stop the owner.
/// </summary>
internal static class StateRecordCodec
{
    public const int SchemaVersion = ScheduleProtocol.SchemaVersion;
    public const string KindHeader = ScheduleProtocol.KindHeader;
    public const string SnapshotKey = ScheduleProtocol.SnapshotKey;
    public const string TakeoverKey = ScheduleProtocol.TakeoverKey;

    private static readonly RecurringJsonContext s_context = RecurringJsonContext.Default;
    private static readonly (string Name, ScheduleCommand Command)[] s_verbs =
    [
        ("enable", ScheduleCommand.Enable),
        ("disable", ScheduleCommand.Disable),
        ("trigger", ScheduleCommand.Trigger),
    ];

    public static string KeyOf(StateRecord record) => record switch
    {
        SnapshotRecord => SnapshotKey,
        TakeoverRecord => TakeoverKey,
        ClaimRecord c => c.TaskId,
        OutcomeRecord o => o.TaskId,
        CommandRecord c => c.TaskId,
        _ => record.Kind,
    };

    public static byte[] Encode(StateRecord record) => record switch
    {
        SnapshotRecord s => WithVersion(s, s_context.SnapshotRecord),
        ClaimRecord c => WithVersion(c, s_context.ClaimRecord),
        OutcomeRecord o => WithVersion(o, s_context.OutcomeRecord),
        CommandRecord c => WithVersion(c, s_context.CommandRecord),
        TakeoverRecord t => WithVersion(t, s_context.TakeoverRecord),
        _ => throw new ArgumentException($"Unknown record type {record.GetType()}.", nameof(record)),
    };

    public static byte[] EncodeLog(ExecutionLogRecord record) => JsonSerializer.SerializeToUtf8Bytes(record, s_context.ExecutionLogRecord);

    public static ExecutionLogRecord? DecodeLog(ReadOnlySpan<byte> value)
    {
        try
        {
            return JsonSerializer.Deserialize(value, s_context.ExecutionLogRecord);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static DecodeResult Decode(ReadOnlySpan<byte> value, string? headerKind)
    {
        if (value.IsEmpty)
        {
            return DecodeResult.Fail("empty value");
        }

        try
        {
            var reader = new Utf8JsonReader(value);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return DecodeResult.Fail("not a JSON object");
            }

            if (!root.TryGetProperty("v", out var v) || v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var version))
            {
                return DecodeResult.Fail("no schema version");
            }

            if (version != SchemaVersion)
            {
                return DecodeResult.Fail($"unsupported schema version {v.GetRawText()}");
            }

            if (!root.TryGetProperty("kind", out var kindElement) || kindElement.ValueKind != JsonValueKind.String)
            {
                return DecodeResult.Fail("no kind");
            }

            var kind = kindElement.GetString()!;
            if (headerKind is not null && !string.Equals(headerKind, kind, StringComparison.Ordinal))
            {
                return DecodeResult.Fail($"kind header '{headerKind}' does not match body kind '{kind}'");
            }

            StateRecord? record = kind switch
            {
                RecordKinds.Snapshot => root.Deserialize(s_context.SnapshotRecord),
                RecordKinds.Claim => root.Deserialize(s_context.ClaimRecord),
                RecordKinds.Outcome => root.Deserialize(s_context.OutcomeRecord),
                RecordKinds.Takeover => root.Deserialize(s_context.TakeoverRecord),
                RecordKinds.Command => DecodeCommand(root),
                _ => throw new InvalidDataException($"unknown kind '{kind}'"),
            };
            if (record is null)
            {
                return DecodeResult.Fail("null record");
            }

            return StateRecordValidator.Validate(record) is { } invalid ? DecodeResult.Fail(invalid) : new DecodeResult(record, null);
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or FormatException or InvalidOperationException or ArgumentException)
        {
            return DecodeResult.Fail(e.Message);
        }
    }

    public static string? ReadKindHeader(Confluent.Kafka.Headers? headers)
        => headers is not null && headers.TryGetLastBytes(KindHeader, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;

    private static CommandRecord? DecodeCommand(JsonElement root)
    {
        // Exactly the documented verbs (letter case aside): Enum.TryParse would also take
        // "Enable,Disable", " disable " or "TRIGGER,enable" and apply something nobody wrote (issue 8).
        if (!root.TryGetProperty("command", out var command) || command.ValueKind != JsonValueKind.String
            || !TryParseVerb(command.GetString(), out var parsed))
        {
            throw new InvalidDataException("unknown command verb");
        }

        var record = root.Deserialize(s_context.CommandRecord);
        return record is null ? null : record with { Command = parsed };
    }

    /// <summary>
    /// The command verbs: <c>enable</c>, <c>disable</c>, <c>trigger</c>, in any letter case (Carillon itself writes
    /// <c>Enable</c>…), with nothing around them: no spaces, no comma lists, no numbers.
    /// </summary>
    public static bool TryParseVerb(string? verb, out ScheduleCommand command)
    {
        foreach (var candidate in s_verbs)
        {
            if (string.Equals(verb, candidate.Name, StringComparison.OrdinalIgnoreCase))
            {
                command = candidate.Command;
                return true;
            }
        }

        command = default;
        return false;
    }

    private static byte[] WithVersion<T>(T record, JsonTypeInfo<T> typeInfo)
    {
        // The body is serialized by the generated metadata, then copied behind "v" so that the schema version is the
        // first thing any reader (or a human with kcat) sees.
        var body = JsonSerializer.SerializeToElement(record, typeInfo);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("v", SchemaVersion);
            foreach (var property in body.EnumerateObject())
            {
                property.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
