using System.Text;
using Carillon.Protocol;
using Carillon.Recurring.State;
using Confluent.Kafka;

namespace Carillon.Recurring.Ownership;

/// <summary>Kafka messages for state and execution-log records.</summary>
internal static class StateMessages
{
    public static Message<byte[], byte[]> State(StateRecord record) => new()
    {
        Key = Encoding.UTF8.GetBytes(StateRecordCodec.KeyOf(record)),
        Value = StateRecordCodec.Encode(record),
        Headers = new Headers { { StateRecordCodec.KindHeader, Encoding.UTF8.GetBytes(record.Kind) } },
    };

    public static Message<byte[], byte[]> Log(OutcomeRecord outcome) => new()
    {
        Key = Encoding.UTF8.GetBytes(outcome.TaskId),
        Value = StateRecordCodec.EncodeLog(ExecutionLogRecord.From(outcome)),
        Headers = new Headers { { StateRecordCodec.KindHeader, "execution"u8.ToArray() } },
    };

    /// <summary>The same message for <see cref="Kafka.Transactions.TransactionalProducer"/>'s nullable-keyed client.</summary>
    public static Message<byte[]?, byte[]?> Nullable(Message<byte[], byte[]> message) => new()
    {
        Key = message.Key,
        Value = message.Value,
        Headers = message.Headers,
    };
}
