namespace Carillon.CompileTime
{
    /// <summary>Metadata names the generator and analyzers look up; kept in one place so both agree.</summary>
    internal static class KnownNames
    {
        public const string ScheduledActionAttribute = "Carillon.ScheduledActionAttribute";
        public const string ScheduleVersionAttribute = "Carillon.ScheduleVersionAttribute";
        public const string ScheduleRegistryAttribute = "Carillon.ScheduleRegistryAttribute";
        public const string ScheduledActionContext = "Carillon.ScheduledActionContext";
        public const string Task = "System.Threading.Tasks.Task";
        public const string ValueTask = "System.Threading.Tasks.ValueTask";
        public const string CancellationToken = "System.Threading.CancellationToken";
        public const string RuntimeServiceCollectionExtensions = "Microsoft.Extensions.DependencyInjection.CarillonServiceCollectionExtensions";
        public const string ServiceCollectionDescriptorExtensions = "Microsoft.Extensions.DependencyInjection.Extensions.ServiceCollectionDescriptorExtensions";

        /// <summary>The version a task or schedule has when no <c>[ScheduleVersion]</c> applies.</summary>
        public const string DefaultVersion = "0.0.0";
    }
}
