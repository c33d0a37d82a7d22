// Broker and multi-process tests use real time on a 2-core machine: run them one at a time so that none of them
// is starved into a false failure by another's load.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
