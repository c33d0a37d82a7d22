using System.Text;
using Carillon.Recurring.Logs;
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

    /// <summary>True when the producer can never write again: fenced by a newer owner, or a fatal error.</summary>
    public static bool IsFencedOrFatal(Error error) => error.IsFatal || error.Code is ErrorCode.ProducerFenced or ErrorCode.Local_Fenced or ErrorCode.InvalidProducerEpoch or ErrorCode.TransactionalIdAuthorizationFailed;
}
