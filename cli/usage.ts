/** The usage text of `cgrpcheck --help`, whole or one command's part. */
import {
  DEFAULT_DEPTH,
  DEFAULT_MAX_STEPS,
  DEFAULT_PREEMPTIONS,
  DEFAULT_RUNS,
  DEFAULT_SUITE_SEED,
  DEFAULT_SUITE_WORKERS,
  DEFAULT_TOKEN_FILE,
} from './defaults.js';
import { KNOWN_KERNELS } from './values.js';

const HEAD = `cgrpcheck: a deterministic concurrency model checker for BPF cgroup local storage

usage:
  cgrpcheck list [--json]
  cgrpcheck check <scenario | file.json> [options]
  cgrpcheck test [FILE | DIR ...] [--catalogue] [options]
  cgrpcheck replay <token | token-file> [--format F] [--out FILE]
  cgrpcheck merge <report.json ...> [--format F] [--out FILE]
  cgrpcheck help [command] | --help | --version
`;

const CHECK = `check options:
  --strategy random|pct|dpor|dfs|bounded   search strategy (default random)
  --seed S              seed (default: picked once from the clock and printed)
  --runs N              executions for random/pct, a cap for the others (default ${DEFAULT_RUNS};
                        unbounded when only --time-budget is given)
  --depth D             PCT bug depth (default ${DEFAULT_DEPTH})
  --preemptions K       preemption bound of 'bounded' (default ${DEFAULT_PREEMPTIONS})
  --max-steps N         steps per execution (default ${DEFAULT_MAX_STEPS})
  --time-budget SECONDS stop between executions once this much time has passed
  --kernel ${KNOWN_KERNELS.join('|')}    check another era than the scenario's
  --set key=value       override a scenario parameter (repeatable)
  --workers N           worker threads (default: available parallelism)
  --shard I/N           check only part I of N of the space (merge the JSON reports)
  --strict              an incomplete exhaustive run, a time-budget or Ctrl-C stop, or
                        unreached reachability goals fail the check (exit 1)
`;

const OUTPUT = `output options (check, replay, merge):
  --format text|json|junit|chrome|dot   (default text); --json is --format json
  --out FILE            write the report to FILE (atomically); stdout gets the text report
  a violation's replay token also goes to ${DEFAULT_TOKEN_FILE} (or FILE.token)
`;

const TEST = `test options (a suite: each scenario with its own budget, judged against its expect):
  --catalogue           the built-in catalogue (besides any FILE or DIR)
  --config FILE         suites, budgets and defaults (default: ./cgrpcheck.config.json if present)
  --strict              incomplete exhaustive runs, time-budget stops and unreached goals fail
  --seed S              seed of every scenario (default ${DEFAULT_SUITE_SEED})
  --time-budget SECONDS per scenario
  --workers N           worker threads per scenario (default ${DEFAULT_SUITE_WORKERS})
  --shard I/N           only scenarios I, I+N, I+2N, ... of the list
  --junit FILE          one JUnit <testsuites>, a testcase per scenario
  --github auto|on|off  ::error annotations and $GITHUB_STEP_SUMMARY (auto: when GITHUB_ACTIONS=true)
`;

const EXITS = `exit codes: 0 the scenario met its expectation ('expect': pass, or the declared
  violation found), 1 it did not, 2 bad input or usage, 3 internal error
`;

/** Usage for `command`, or for everything when it is undefined or unknown. */
export function usageText(command?: string): string {
  if (command === 'list') return `${HEAD}\nlist options:\n  --json   print the catalogue as JSON\n`;
  if (command === 'check') return `${HEAD}\n${CHECK}\n${OUTPUT}\n${EXITS}`;
  if (command === 'replay' || command === 'merge') return `${HEAD}\n${OUTPUT}\n${EXITS}`;
  if (command === 'test') return `${HEAD}\n${TEST}\n${EXITS}`;
  return `${HEAD}\n${CHECK}\n${TEST}\n${OUTPUT}\n${EXITS}`;
}
