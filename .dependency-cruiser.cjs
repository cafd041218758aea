/**
 * The architecture as import rules, checked by `npm test` (npm run deps).
 * Reads TypeScript with swc and counts type-only imports too: a type cycle is
 * still a cycle a reader has to untangle.
 */
const CORE = '^(model|scheduler|properties)/';

module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'No module reaches itself through its imports.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'model-stands-alone',
      comment: 'model/ knows nothing of the scheduler, the properties, the scenarios or the cli.',
      severity: 'error',
      from: { path: '^model/' },
      to: { path: '^(scheduler|properties|scenarios|cli|bench|test)/' },
    },
    {
      name: 'scheduler-knows-no-cgroup',
      comment: 'scheduler/ sees tasks, steps and footprints, never the model.',
      severity: 'error',
      from: { path: '^scheduler/' },
      to: { path: '^(model|properties|scenarios|cli|bench|test)/' },
    },
    {
      name: 'properties-read-the-model',
      comment: 'properties/ read model state and return a Violation; they import the model only.',
      severity: 'error',
      from: { path: '^properties/' },
      to: { path: '^(scheduler|scenarios|cli|bench|test)/' },
    },
    {
      name: 'scenarios-compose-below-the-cli',
      comment: 'scenarios/ may import model, scheduler and properties, never the cli above it.',
      severity: 'error',
      from: { path: '^scenarios/' },
      to: { path: '^(cli|bench|test)/' },
    },
    {
      name: 'nothing-imports-the-cli',
      comment: 'cli/ is the top: only its own files and its tests import it.',
      severity: 'error',
      from: { pathNot: '^(cli|test/cli)/' },
      to: { path: '^cli/' },
    },
    {
      name: 'core-is-deterministic',
      comment: 'model, scheduler and properties touch no file, clock, process or thread: only the edge does.',
      severity: 'error',
      from: { path: CORE },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'model-core-is-the-floor',
      comment: 'model/core (ids, steps, memory, observations, options) imports nothing else of the model.',
      severity: 'error',
      from: { path: '^model/core/' },
      to: { path: '^model/(?!core/)' },
    },
    {
      name: 'state-below-operations',
      comment:
        'State files (the Kernel and the tables it owns) never import an operation: operations import the Kernel, not the reverse.',
      severity: 'error',
      from: { path: '^model/(kernel/kernel|sync/(lockTable|rcu|workQueue)|cgroup/(cgroupTable|fdTable|cgroupBpfTypes)|localStorage/localStorageState|cgroupStorage/cgroupStorageTypes)\\.ts$' },
      to: {
        path: '^model/',
        pathNot:
          '^model/(core/|kernel/kernel\\.ts$|sync/(lockTable|rcu|workQueue)\\.ts$|cgroup/(cgroupTable|fdTable|cgroupBpfTypes)\\.ts$|localStorage/localStorageState\\.ts$|cgroupStorage/cgroupStorageTypes\\.ts$|programs/bpfProgram\\.ts$)',
      },
    },
  ],
  options: {
    parser: 'swc',
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
  },
};
