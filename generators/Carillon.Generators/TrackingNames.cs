namespace Carillon.Generators
{
    /// <summary>Names of the pipeline steps, so tests can check each one is cached after an unrelated edit.</summary>
    internal static class TrackingNames
    {
        public const string SyntaxTrees = nameof(SyntaxTrees);
        public const string TreeDeclarations = nameof(TreeDeclarations);
        public const string Declarations = nameof(Declarations);
        public const string ScheduledActions = nameof(ScheduledActions);
        public const string CompilationFacts = nameof(CompilationFacts);
        public const string Schedule = nameof(Schedule);
    }
}
