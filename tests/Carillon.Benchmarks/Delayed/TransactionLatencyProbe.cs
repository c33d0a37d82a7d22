using System.Diagnostics;
using Carillon.Testing;
using Confluent.Kafka;

namespace Carillon.Benchmarks.Delayed;

/// <summary>Where a small dispatch transaction's time goes on the mock: the floor under dispatch lateness.</summary>
public sealed class TransactionLatencyProbe : IBenchmark
{
    public string Name => "delayed-txn";

    public string Description => "Phases of a 2-record transaction with SendOffsetsToTransaction (mock broker)";

    public Task RunAsync(TextWriter output)
    {
        using var kafka = EmbeddedKafka.Start();
        kafka.CreateTopic("src", 1);
        kafka.CreateTopic("dst", 1);
        using var consumer = new ConsumerBuilder<Null, Null>(new ConsumerConfig { BootstrapServers = kafka.BootstrapServers, GroupId = "g" }).Build();
        consumer.Subscribe("src");
        consumer.Consume(TimeSpan.FromSeconds(5));
        foreach (var linger in new[] { 5.0, 0.0 })
        {
            using var producer = new ProducerBuilder<Null, byte[]>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers, TransactionalId = $"probe-{linger}", LingerMs = linger }).Build();
            producer.InitTransactions(TimeSpan.FromSeconds(30));
            var phases = new List<double>[4];
            for (var p = 0; p < 4; p++)
            {
                phases[p] = [];
            }

            for (var i = 0; i < 200; i++)
            {
                var sw = Stopwatch.StartNew();
                producer.BeginTransaction();
                producer.Produce("dst", new Message<Null, byte[]> { Value = new byte[10] });
                producer.Produce(new TopicPartition("src", 0), new Message<Null, byte[]> { Value = new byte[1] });
                phases[0].Add(sw.Elapsed.TotalMilliseconds);
                producer.SendOffsetsToTransaction([new TopicPartitionOffset("src", 0, i)], consumer.ConsumerGroupMetadata, TimeSpan.FromSeconds(30));
                phases[1].Add(sw.Elapsed.TotalMilliseconds);
                producer.CommitTransaction(TimeSpan.FromSeconds(30));
                phases[2].Add(sw.Elapsed.TotalMilliseconds);
            }

            // A transaction with offsets and no record, as the dispatcher commits an idle partition's owed offset
            // (issue 14).
            var offsetsOnly = new List<double>();
            for (var i = 0; i < 200; i++)
            {
                var sw = Stopwatch.StartNew();
                producer.BeginTransaction();
                producer.SendOffsetsToTransaction([new TopicPartitionOffset("src", 0, 200 + i)], consumer.ConsumerGroupMetadata, TimeSpan.FromSeconds(30));
                producer.CommitTransaction(TimeSpan.FromSeconds(30));
                offsetsOnly.Add(sw.Elapsed.TotalMilliseconds);
            }

            output.WriteLine($"linger.ms={linger}: an offsets-only transaction (begin, send offsets, commit) {P(offsetsOnly)}");

            string P(List<double> l) { var s = l.Order().ToArray(); return $"p50 {s[s.Length / 2]:F1} / p99 {s[(int)(s.Length * 0.99)]:F1} ms"; }
            output.WriteLine($"linger.ms={linger}: begin+produce {P(phases[0])}; +send offsets {P(phases[1])}; +commit {P(phases[2])}");
        }

        return Task.CompletedTask;
    }
}
