import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scenario } from '../../../scenarios/format/builder.js';
import { canonicalJson } from '../../../scenarios/format/canonical.js';
import { parseScenarioJson } from '../../../scenarios/format/validate.js';

const FIXTURE = readFileSync(new URL('fixtures/doc-counter.json', import.meta.url), 'utf8');

/** The fixture's scenario, written with the builder. */
const docCounter = scenario('doc-counter')
  .describe('tp_btf sys_enter counts syscalls per cgroup with an atomic add; userspace reads')
  .kernel('6.2')
  .expect('pass')
  .param('cpus', { default: 2, min: 1, max: 8, description: 'CPUs running the program' })
  .param('iterations', { default: 2, min: 1, max: 16, description: 'program runs per CPU' })
  .options({ lockTimeouts: false, allocFailures: false, bugs: ['map-free-unguarded'] })
  .cgroup('root')
  .cgroup('app', { parent: 'root', v1: false })
  .map('counters', { type: 'cgrp_storage', valueSize: 8, spinLock: false })
  .map('old', { type: 'cgroup_storage', valueSize: 8, key: 'isolated' })
  .program('count', {
    type: 'tp_btf',
    attach: 'sys_enter',
    sleepable: false,
    insns: [
      'call get map=counters cg=current flags=F_CREATE',
      'jnull r0 out',
      'atomic_add [r0+0] 1',
      'out: exit 0',
    ],
  })
  .program('egress', {
    type: 'cgroup_skb',
    attach: 'egress',
    insns: ['call get_local_storage map=old', 'atomic_add [r0+0] 1', 'exit 1'],
  })
  .program('nested', {
    type: 'fentry',
    attach: 'bpf_local_storage_update',
    insns: ['call get map=counters cg=current flags=F_CREATE', 'exit 0'],
  })
  .attach('egress', 'app')
  .cpus('$cpus', { cgroup: 'app', run: [{ program: 'count', times: '$iterations' }, { hook: 'egress' }] })
  .user(
    'reader',
    [
      { op: 'lookup', map: 'counters', cgroup: 'app' },
      { op: 'update', map: 'counters', cgroup: 'app', value: [5], flags: ['BPF_NOEXIST'] },
      { op: 'lookup', map: 'old', cgroup: 'app', attachType: 'egress' },
      { op: 'delete', map: 'counters', cgroup: 'app' },
      { op: 'rmdir', cgroup: 'app' },
      { op: 'close-map', map: 'counters' },
    ],
    { cpu: 0 },
  )
  .trace('nested')
  .check('atomic-add', 'no-use-after-free')
  .reachability('cgroup-freed-while-running');

describe('scenario builder', () => {
  it('writes examples/rmdir-populated.json: tasks, member cpu actors, migrate and op expectations', () => {
    const text = readFileSync(new URL('../../../examples/rmdir-populated.json', import.meta.url), 'utf8');
    const built = scenario('rmdir-populated')
      .describe(
        'rmdir of a cgroup with a member task is refused with -EBUSY until the task migrates away or exits (cgroup_destroy_locked)',
      )
      .kernel('6.2')
      .expect('pass')
      .cgroup('root')
      .cgroup('app', { parent: 'root' })
      .cgroup('job', { parent: 'root' })
      .task('sleeper', 'app')
      .program('idle', { type: 'tp_btf', attach: 'sys_enter', insns: ['exit 0'] })
      .setup([
        { op: 'rmdir', cgroup: 'app', expect: '-EBUSY' },
        { op: 'rmdir', cgroup: 'root', expect: '-EBUSY' },
        { op: 'migrate', task: 'sleeper', cgroup: 'root', expect: 0 },
        { op: 'rmdir', cgroup: 'app', expect: 0 },
        { op: 'rmdir', cgroup: 'app', expect: '-ENOENT' },
        { op: 'migrate', task: 'sleeper', cgroup: 'app', expect: '-ENOENT' },
      ])
      .cpu('worker', { cgroup: 'job', task: 'member', run: [{ program: 'idle' }] })
      .user('admin', [
        { op: 'rmdir', cgroup: 'job', expect: { reachable: ['-EBUSY', 0] } },
        { op: 'rmdir', cgroup: 'job', expect: { anyOf: ['-EBUSY', 0, '-ENOENT'] } },
      ])
      .build();
    const fromFile = parseScenarioJson(text, 'rmdir-populated.json');
    expect(built.ok && fromFile.ok && canonicalJson(built.value) === canonicalJson(fromFile.value)).toBe(
      true,
    );
  });

  it('writes `after` on a user actor', () => {
    const r = scenario('ordered')
      .describe('reader after admin')
      .kernel('6.2')
      .cgroup('root')
      .cgroup('app', { parent: 'root' })
      .user('admin', [{ op: 'rmdir', cgroup: 'app', name: 'rm' }])
      .user('reader', [{ op: 'rmdir', cgroup: 'app', expect: '-ENOENT' }], {
        after: { actor: 'admin', op: 'rm' },
      })
      .build();
    expect(r.ok && r.value.actors[1]).toStrictEqual({
      kind: 'user',
      name: 'reader',
      after: { actor: 'admin', op: 'rm' },
      ops: [{ op: 'rmdir', cgroup: 'app', expect: '-ENOENT' }],
    });
  });

  it('builds the same ScenarioDef as the file', () => {
    const fromFile = parseScenarioJson(FIXTURE, 'doc-counter.json');
    const fromBuilder = docCounter.build();
    expect(fromBuilder.ok).toBe(true);
    expect(fromBuilder).toStrictEqual(fromFile);
    if (fromBuilder.ok && fromFile.ok)
      expect(canonicalJson(fromBuilder.value)).toBe(canonicalJson(fromFile.value));
  });

  it('runs the same validator, naming the builder instead of a file', () => {
    const r = docCounter.map('more', { type: 'cgrp_storage', valueSize: 0 }).build();
    expect(r).toStrictEqual({
      ok: false,
      error: { message: 'scenario("doc-counter"): maps[2].valueSize: 0 is outside [1, 4096]' },
    });
  });

  it('reports missing required fields', () => {
    const r = scenario('bare')
      .kernel('7.0')
      .cpu('c', { cgroup: 'app', run: [{ program: 'p' }] })
      .build();
    expect(r.ok ? 'valid' : r.error.message).toBe(
      'scenario("bare"): (root): missing required field \'description\'',
    );
  });

  it('rejects a parameter declared twice instead of silently keeping one', () => {
    const r = docCounter.param('cpus', { default: 1, min: 1, max: 1, description: 'again' }).build();
    expect(r.ok ? 'valid' : r.error.message).toBe('scenario("doc-counter"): params.cpus: declared twice');
  });

  it('is immutable: each call returns a new builder', () => {
    const other = docCounter.describe('another description').check('no-leak');
    const [r1, r2] = [docCounter.build(), other.build()];
    expect(r1.ok && [r1.value.description, r1.value.check]).toStrictEqual([
      'tp_btf sys_enter counts syscalls per cgroup with an atomic add; userspace reads',
      ['atomic-add', 'no-use-after-free'],
    ]);
    expect(r2.ok && [r2.value.description, r2.value.check]).toStrictEqual([
      'another description',
      ['atomic-add', 'no-use-after-free', 'no-leak'],
    ]);
  });

  it('drops options passed as undefined, as a file that omits them', () => {
    const withUndefined = docCounter.cgroup('extra', { parent: undefined, v1: undefined }).build();
    const without = docCounter.cgroup('extra').build();
    expect(withUndefined).toStrictEqual(without);
  });
});
