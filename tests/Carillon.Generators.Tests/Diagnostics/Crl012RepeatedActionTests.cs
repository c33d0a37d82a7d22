using Carillon.Generators.Tests.Infrastructure;
using Verify = Carillon.Generators.Tests.Infrastructure.AnalyzerVerifier<Carillon.Analyzers.ScheduledActionAnalyzer>;

namespace Carillon.Generators.Tests.Diagnostics;

public class Crl012RepeatedActionTests
{
    [Fact]
    public Task Repeated_attributes_with_distinct_ids_are_accepted() => Verify.VerifyAsync("""
        public class Reports
        {
            [ScheduledAction("0 6 * * MON-FRI", Id = "report.weekday")]
            [ScheduledAction("0 9 * * SAT,SUN", Id = "report.weekend")]
            public void Send() { }
        }
        """);

    [Fact]
    public Task Repeated_attribute_without_an_id_is_reported_on_the_attribute() => Verify.VerifyAsync("""
        public class Reports
        {
            [ScheduledAction("0 6 * * MON-FRI", Id = "report.weekday")]
            [{|CRL012:ScheduledAction("0 9 * * SAT,SUN")|}]
            public void Send() { }
        }
        """);

    [Fact]
    public Task Id_repeated_on_the_same_method_is_reported_on_the_second_id() => Verify.VerifyAsync("""
        public class Reports
        {
            [ScheduledAction("0 6 * * MON-FRI", Id = "report")]
            [ScheduledAction("0 9 * * SAT,SUN", Id = {|CRL012:"report"|})]
            public void Send() { }
        }
        """);

    [Fact]
    public Task Each_repeated_attribute_is_checked_on_its_own_arguments() => Verify.VerifyAsync("""
        public class Reports
        {
            [ScheduledAction("0 6 * * MON-FRI", Id = "report.weekday")]
            [ScheduledAction({|CRL001:"0 61 * * *"|}, Id = "report.weekend")]
            public void Send() { }
        }
        """);

    [Fact]
    public async Task Generated_registry_has_one_task_per_valid_attribute_with_its_own_cron()
    {
        var compilation = Compiler.Create("""
            public class Reports
            {
                [ScheduledAction("0 6 * * MON-FRI", Id = "report.weekday")]
                [ScheduledAction("0 9 * * SAT,SUN", Id = "report.weekend", TimeZone = "Europe/Paris")]
                [ScheduledAction("0 12 * * *")]
                public void Send() { }
            }
            """);
        Assert.Contains(await Compiler.DiagnosticsAsync(compilation), d => d.Id == "CRL012");
        var (output, _) = Compiler.Generate(compilation);
        var registry = Compiler.LoadOwnRegistry(output);

        Assert.Equal(["report.weekday", "report.weekend"], registry.Tasks.Select(t => t.Id));
        Assert.Equal(["0 6 * * MON-FRI", "0 9 * * SAT,SUN"], registry.Tasks.Select(t => t.Cron));
        Assert.Equal("Europe/Paris", registry.Tasks[1].TimeZone);
    }

    [Fact]
    public void Configuration_key_of_each_attribute_reaches_its_descriptor()
    {
        var compilation = Compiler.Create("""
            public class Reports
            {
                [ScheduledAction("0 2 * * *", Id = "report.nightly", ConfigurationKey = "Schedules:NightlyReport")]
                [ScheduledAction("0 12 * * *", Id = "report.noon")]
                public void Send() { }
            }
            """);
        var (output, _) = Compiler.Generate(compilation);
        var registry = Compiler.LoadOwnRegistry(output);

        Assert.Equal(["Schedules:NightlyReport", null], registry.Tasks.Select(t => t.ConfigurationKey));
        Assert.Equal(["0 2 * * *", "0 12 * * *"], registry.Tasks.Select(t => t.Cron));
    }
}
