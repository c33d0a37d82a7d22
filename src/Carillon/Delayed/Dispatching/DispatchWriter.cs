using Carillon.Delayed.Envelope;
using Carillon.Kafka;
using Carillon.Kafka.Transactions;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Carillon.Delayed.Dispatching;

/// <summary>
/// The write step of one dispatch transaction: target messages, their tombstones, history records and dead letters.
/// A dead letter the producer refuses is stripped rather than allowed to fail every transaction (issue 8).
/// </summary>
internal sealed class DispatchWriter(
    TopicPartition tp,
    DelayedOptions options,
    TimeProvider time,
    ILogger logger,
    Action<long> reject,
    DispatchBatch batch,
    HashSet<string>? unknownTargets,
    DispatchRecords records,
    KeylessTargets keyless)
{
    public int Misdirected { get; private set; }

    public int SkippedDeadLetters { get; private set; }

    public void Write(IProducer<byte[]?, byte[]?> producer)
    {
        var partition = tp.Partition.Value;
        var tombstoneTarget = new TopicPartition(options.Topic, tp.Partition);
        var partitionAscii = TargetMessages.Ascii(partition);
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();

        // Produce(string, …) makes a TopicPartition per message; a batch's targets are usually one topic (issue 14).
        TopicPartition? targetTopic = null;
        foreach (var item in batch.Items)
        {
            if (unknownTargets?.Contains(item.TargetTopic) == true)
            {
                var dead = DeadLetterItem.FromHeld(item.Blob.Span, item.Offset, item.DueMs, item.TargetTopic, InvalidReason.TargetTopicUnknown);
                WriteDeadLetter(producer, dead, partition, tombstoneTarget);
                DispatcherLog.TargetTopicUnknown(logger, partition, item.Offset, RecordText.Printable(item.TargetTopic));
                Misdirected++;
                continue;
            }

            var target = records.Target(item, partitionAscii, out var scheduleKey, out var offsetAscii);
            var keylessChosen = target.Key is null;
            try
            {
                if (keylessChosen)
                {
                    // Keyless: a partition chosen here, so that a transaction's targets spread (issue 14, KeylessTargets).
                    producer.Produce(keyless.For(item.TargetTopic, target.Value?.Length ?? 0), target);
                }
                else
                {
                    // Keyed: the producer's murmur2 partitioner, the partition any Kafka producer picks for the key.
                    if (!ReferenceEquals(targetTopic?.Topic, item.TargetTopic))
                    {
                        targetTopic = new TopicPartition(item.TargetTopic, Partition.Any);
                    }

                    producer.Produce(targetTopic, target);
                }
            }
            catch (ProduceException<byte[]?, byte[]?> e) when (ProduceRefusal.IsAboutTheMessage(e.Error)
                && !(keylessChosen && e.Error.Code == ErrorCode.Local_UnknownPartition))
            {
                // Refused before it left this process (too large, …): it would fail every retry, so it becomes a
                // dead letter after the reload instead of blocking the partition. A partition this worker chose from a
                // stale partition count is not the message's fault: the transaction fails, the count is asked again
                // (PartitionWorker forgets the topic) and the reload retries the message. A refusal of the producer's
                // state propagates as is too.
                reject(item.Offset);

                DispatcherLog.TargetRejected(logger, partition, item.Offset, e.Error.Reason);
                throw;
            }

            // To the partition the schedule was read from, whatever a partitioner would say (https://github.com/etf1/kafka-message-scheduler/issues/53).
            producer.Produce(tombstoneTarget, records.Tombstone(scheduleKey, offsetAscii));
            if (options.HistoryTopic is { Length: > 0 } history)
            {
                producer.Produce(history, TargetMessages.History(item, scheduleKey, partition, nowMs));
            }
        }

        foreach (var dead in batch.DeadLetters)
        {
            WriteDeadLetter(producer, dead, partition, tombstoneTarget);
        }
    }

    // A dead letter as it was read; if the producer refuses it (too large: a 1 MB header is legal for a Java
    // producer), without its value, then without its user headers too; if even that is refused, skipped and
    // counted (issue 8: 1,324 abort/reload cycles in 40 s before). The tombstone keeps it from being re-written.
    private void WriteDeadLetter(IProducer<byte[]?, byte[]?> producer, DeadLetterItem dead, int partition, TopicPartition tombstoneTarget)
    {
        var message = TargetMessages.DeadLetter(dead, partition);
        if (!TryProduce(producer, message, out var error))
        {
            message.Value = null;
            message.Headers.Add(ControlHeaders.DeadLetterValueDropped, System.Text.Encoding.ASCII.GetBytes(error.ToString()));
            if (!TryProduce(producer, message, out error))
            {
                message = TargetMessages.DeadLetter(dead with { Value = null, Headers = [] }, partition);
                message.Headers.Add(ControlHeaders.DeadLetterValueDropped, System.Text.Encoding.ASCII.GetBytes(error.ToString()));
                message.Headers.Add(ControlHeaders.DeadLetterHeadersDropped, System.Text.Encoding.ASCII.GetBytes(error.ToString()));
                if (!TryProduce(producer, message, out error))
                {
                    DispatcherLog.DeadLetterSkipped(logger, partition, dead.Offset, error.ToString());
                    SkippedDeadLetters++;
                }
            }
        }

        if (dead.Key is not null && !TryProduce(producer, TargetMessages.Tombstone(dead.Key, dead.Offset), out _, tombstoneTarget))
        {
            // A key too large to tombstone: the commit still moves past the record; only a reload from before it re-reads it.
        }
    }

    private bool TryProduce(IProducer<byte[]?, byte[]?> producer, Message<byte[]?, byte[]?> message, out ErrorCode error, TopicPartition? to = null)
    {
        try
        {
            if (to is null)
            {
                producer.Produce(options.DeadLetterTopic, message);
            }
            else
            {
                producer.Produce(to, message);
            }

            error = ErrorCode.NoError;
            return true;
        }
        catch (ProduceException<byte[]?, byte[]?> e) when (ProduceRefusal.IsAboutTheMessage(e.Error))
        {
            error = e.Error.Code;
            return false;
        }
    }
}
