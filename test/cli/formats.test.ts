/** Every --format: JSON, JUnit (well-formed XML), Chrome trace events, DOT. */
import { describe, expect, test } from 'vitest';
import type { Engine } from '../../scenarios/engine/engine.js';
import { createFakeEngine } from './fakeEngine.js';
import { createFakeIo } from './fakeIo.js';
import { makeReport, UAF_TOKEN, UAF_TRACE, UAF_VIOLATION } from './fixtures.js';
import { cli } from './harness.js';
import { parseXml, type XmlElement } from './xmlTree.js';

const UAF = ['check', 'uaf-on-destroy', '--seed', '42'];
const PASS = ['check', 'busy-get', '--seed', '42', '--runs', '3'];

function child(e: XmlElement, name: string): XmlElement {
  const found = e.children.find((c) => c.name === name);
  if (!found) throw new Error(`<${e.name}> has no <${name}>`);
  return found;
}

describe('--format json', () => {
  test('one object in a fixed key order, with the violation and its trace', async () => {
    const { code, out } = await cli([...UAF, '--format', 'json']);
    expect(code).toBe(1);
    const report = JSON.parse(out);
    expect(Object.keys(report)).toEqual([
      'scenario',
      'kernel',
      'strategy',
      'seed',
      'params',
      'verdict',
      'complete',
      'expect',
      'expectation',
      'stats',
      'unreached',
      'violation',
    ]);
    expect(report).toMatchObject({
      scenario: 'uaf-on-destroy',
      kernel: '6.2',
      strategy: 'random',
      seed: '42',
    });
    expect(report).toMatchObject({ verdict: 'violation', complete: false });
    expect(report.stats).toEqual({ executions: 7, steps: 70, elapsedMs: 0, abandoned: 0 });
    expect(report.violation).toEqual(UAF_VIOLATION);
  });

  test('a pass has no violation field', async () => {
    const report = JSON.parse((await cli([...PASS, '--json'])).out);
    expect(report.verdict).toBe('pass');
    expect('violation' in report).toBe(false);
  });

  test('replaying the token prints the same violation and trace', async () => {
    const checked = JSON.parse((await cli([...UAF, '--json'])).out);
    const replayed = await cli(['replay', checked.violation.replay, '--json']);
    expect(replayed.code).toBe(1);
    expect(JSON.parse(replayed.out).violation).toEqual(checked.violation);
  });

  test('elapsedMs is the wall time the cli measured', async () => {
    const io = createFakeIo();
    io.tickMs = 250;
    const report = JSON.parse((await cli([...PASS, '--json'], io)).out);
    expect(report.stats.elapsedMs).toBe(250);
  });
});

describe('--format junit', () => {
  test('a violation is a failure holding the message, the trace and the replay command', async () => {
    const { code, out } = await cli([...UAF, '--format', 'junit']);
    expect(code).toBe(1);
    const suite = parseXml(out);
    expect(suite.name).toBe('testsuite');
    expect(suite.attrs).toMatchObject({ name: 'cgrpcheck', tests: '1', failures: '1', errors: '0' });
    const props = child(suite, 'properties').children.map((p) => [p.attrs.name, p.attrs.value]);
    expect(props).toContainEqual(['seed', '42']);
    const testcase = child(suite, 'testcase');
    expect(testcase.attrs).toEqual({ name: 'uaf-on-destroy', classname: 'cgrpcheck', time: '0.000' });
    const failure = child(testcase, 'failure');
    expect(failure.attrs).toEqual({
      message: 'expected pass, found a violation of no-use-after-free',
      type: 'no-use-after-free',
    });
    expect(failure.text).toContain('cpu0 read e1 after the grace period freed it');
    expect(failure.text).toContain('   4  READ_ONCE(e1->data)');
    expect(failure.text).toContain(`replay: npx cgrpcheck replay ${UAF_TOKEN}`);
  });

  test('a pass is a testcase without failure', async () => {
    const suite = parseXml((await cli([...PASS, '--format', 'junit'])).out);
    expect(suite.attrs.failures).toBe('0');
    const testcase = child(suite, 'testcase');
    expect(testcase.children.map((c) => c.name)).toEqual(['system-out']);
    expect(child(testcase, 'system-out').text).toContain('PASS: no violation in 3 executions');
  });

  test('markup and control characters in messages are escaped', async () => {
    const nasty = 'a<b && c>"d" \'e\'\u0001 ]]> <!-- x -->';
    const violation = { ...UAF_VIOLATION, invariant: 'x<y>&"z"', message: nasty };
    const engine: Engine = {
      ...createFakeEngine(),
      check: async () => ({ ok: true, value: makeReport('a<&>', '1', 1, { violation }) }),
    };
    const { out } = await cli([...UAF, '--format', 'junit'], createFakeIo(), engine);
    const testcase = child(parseXml(out), 'testcase');
    expect(testcase.attrs.name).toBe('a<&>');
    const failure = child(testcase, 'failure');
    expect(failure.attrs.message).toBe('expected pass, found a violation of x<y>&"z"');
    expect(failure.text.startsWith('a<b && c>"d" \'e\' ]]> <!-- x -->\n')).toBe(true);
  });

  test('the test parser rejects what is not well-formed', () => {
    for (const bad of [
      '<a><b></a></b>',
      '<a>x & y</a>',
      '<a b="1" b="2"/>',
      '<a/><b/>',
      '<a>',
      '<a b=1/>',
      '<a>1 < 2</a>',
    ]) {
      expect(() => parseXml(bad)).toThrow();
    }
  });
});

interface ChromeEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts?: number;
  dur?: number;
  args: Record<string, unknown>;
}

describe('--format chrome', () => {
  test('trace events: one thread per task, one complete event per step', async () => {
    const { code, out } = await cli([...UAF, '--format', 'chrome']);
    expect(code).toBe(1);
    const doc = JSON.parse(out) as { traceEvents: ChromeEvent[]; otherData: Record<string, string> };
    expect(doc.otherData).toMatchObject({ scenario: 'uaf-on-destroy', seed: '42', verdict: 'violation' });
    const events = doc.traceEvents;
    for (const e of events) {
      expect(typeof e.name).toBe('string');
      expect(['X', 'M', 'i']).toContain(e.ph);
      expect(Number.isInteger(e.pid) && Number.isInteger(e.tid)).toBe(true);
    }
    const threads = events.filter((e) => e.ph === 'M' && e.name === 'thread_name');
    expect(threads.map((e) => [e.tid, e.args.name])).toEqual([
      [1, 'cpu0'],
      [2, 'cpu1'],
      [3, 'rcu'],
    ]);
    const steps = events.filter((e) => e.ph === 'X');
    expect(steps.map((e) => [e.name, e.tid, e.ts, e.dur])).toEqual(
      UAF_TRACE.map((r) => [r.label, r.task + 1, r.index * 1000, 1000]),
    );
    expect(steps[0]!.args).toEqual({ step: 0, note: 'e1 linked on cg1', accesses: 'write 10', clock: 0 });
    const marks = events.filter((e) => e.ph === 'i');
    expect(marks.map((e) => [e.name, e.ts])).toEqual([['violation: no-use-after-free', 5000]]);
  });

  test('a pass has metadata only', async () => {
    const doc = JSON.parse((await cli([...PASS, '--format', 'chrome'])).out) as {
      traceEvents: ChromeEvent[];
    };
    expect(doc.traceEvents.map((e) => e.ph)).toEqual(['M']);
  });
});

describe('--format dot', () => {
  test('the reduced happens-before graph of the counterexample', async () => {
    const { code, out } = await cli([...UAF, '--format', 'dot']);
    expect(code).toBe(1);
    expect(out).toBe(`digraph cgrpcheck {
  label="uaf-on-destroy (kernel 6.2, seed 42): no-use-after-free: cpu0 read e1 after the grace period freed it";
  labelloc=t;
  // replay: npx cgrpcheck replay ${UAF_TOKEN}
  node [shape=box, fontname="monospace"];
  subgraph cluster_0 {
    label="cpu0";
    s0 [label="0: bpf_cgrp_storage_get(cg1)\\ne1 linked on cg1"];
    s4 [label="4: READ_ONCE(e1->data)"];
  }
  subgraph cluster_1 {
    label="cpu1";
    s1 [label="1: cgroup_destroy(cg1)\\ncg1 dying"];
    s2 [label="2: bpf_cgrp_storage_free(cg1)\\ne1 unlinked; call_rcu queued"];
  }
  subgraph cluster_2 {
    label="rcu";
    s3 [label="3: rcu_grace_period()\\ne1 freed"];
  }
  s0 -> s2 [style=dashed, label="obj 10"];
  s1 -> s2;
  s2 -> s3 [style=dashed, label="obj 10"];
  s3 -> s4 [style=dashed, label="obj 10"];
  s0 -> s4 [color=gray];
}
`);
  });

  test('a pass is an empty graph', async () => {
    const { out } = await cli([...PASS, '--format', 'dot']);
    expect(out).toBe(`digraph cgrpcheck {
  label="busy-get (kernel 6.15, seed 42): pass";
  labelloc=t;
  node [shape=box, fontname="monospace"];
}
`);
  });
});
