import { describe, expect, it } from 'vitest';
import { cgroupStorageMapAlloc } from '../../../model/cgroupStorage/cgroupStorage.js';
import { cgrpStorageMapCreate } from '../../../model/cgrpStorage/cgrpStorageMap.js';
import type { CpuNo } from '../../../model/core/ids.js';
import { rd, runToCompletion, step, wr } from '../../../model/core/step.js';
import { bpfMapPut } from '../../../model/kernel/bpfMapPut.js';
import { fireHook, isHooked, Kernel } from '../../../model/kernel/kernel.js';
import { runOp, start } from '../driver.js';
import { drainDeferred, makeWorld } from '../world.js';

const cpu = (n: number) => n as CpuNo;

describe('the Kernel container', () => {
  it('actor 0 is the setup actor; actors are numbered in creation order and pinned to a CPU in range', () => {
    const k = new Kernel({ cpus: 3 });
    // Without a scheduler, every data choice takes the first option (no failure).
    expect(k.choose(3)).toBe(0);
    expect(k.setupActor).toMatchObject({ id: 0, name: 'setup', kind: 'setup', cpu: 0 });
    const a = k.addActor('A', 'cpu', cpu(2));
    expect(a).toStrictEqual({ id: 1, name: 'A', kind: 'cpu', cpu: 2, seq: 0, progDepth: 0, hookDepth: 0 });
    expect(k.actors.map((x) => x.name)).toEqual(['setup', 'A']);
    expect(() => k.addActor('B', 'cpu', cpu(3))).toThrow('actor B: cpu 3 out of range');
    expect(() => k.addActor('C', 'cpu', cpu(-1))).toThrow('actor C: cpu -1 out of range');
    expect(k.cpus.map((c) => [c.no, c.busy])).toEqual([
      [0, 0],
      [1, 0],
      [2, 0],
    ]);
  });

  it("object ids are (actor, its own sequence): actor 1's objects are 1000001, 1000002; setup's are the CPUs' busy counters first", () => {
    const k = new Kernel({ cpus: 2 });
    expect(k.cpus.map((c) => c.busyObj)).toEqual([1, 2]);
    expect(k.rcuObj).toBe(3);
    expect(k.rcuOpenObj).toBe(-3073);
    expect(k.rcuCloseObj).toBe(-3074);
    expect(k.work.obj).toBe(4);
    const a = k.addActor('A', 'cpu', cpu(1));
    expect([k.allocObjId(a), k.allocObjId(a)]).toEqual([1_000_001, 1_000_002]);
    a.seq = 999_998;
    expect(k.allocObjId(a)).toBe(1_999_999);
    expect(() => k.allocObjId(a)).toThrow('actor A allocated over 1000000 ids');
  });

  it('a step that queues an RCU callback or work must declare a write or release of the queue (DPOR relies on it)', () => {
    const k = new Kernel();
    k.runningStep = step('reads the queue', [rd(k.rcuObj), rd(k.rcuOpenObj), rd(k.rcuCloseObj)]);
    expect(() => k.rcu.call('cb', 'rcu', () => {})).toThrow(
      `model bug: step 'reads the queue' does call_rcu(cb) without declaring a write of object ${k.rcuObj}`,
    );
    k.runningStep = step('writes another', [wr(k.work.obj)]);
    expect(() => k.checkDeclared(k.rcuObj, 'x')).toThrow(
      `model bug: step 'writes another' does x without declaring a write of object ${k.rcuObj}`,
    );
    expect(() => k.work.queue('w', function* () {})).not.toThrow();
    k.runningStep = step('atomic on the queue', [{ kind: 'atomic', obj: k.work.obj }]);
    expect(() => k.work.queue('w2', function* () {})).toThrow(
      `model bug: step 'atomic on the queue' does queue_work(w2) without declaring a write of object ${k.work.obj}`,
    );
    k.runningStep = step('releases the queue', [{ kind: 'release', obj: k.work.obj }]);
    expect(() => k.work.queue('w3', function* () {})).not.toThrow();
    expect(k.work.items.map((i) => i.label)).toEqual(['w', 'w3']);
  });

  it('call_rcu snapshots the read sections: its step must declare both reader objects', () => {
    const k = new Kernel();
    k.runningStep = step('queues, sees only opens', [wr(k.rcuObj), rd(k.rcuOpenObj)]);
    expect(() => k.rcu.call('cb', 'rcu', () => {})).toThrow(
      "model bug: step 'queues, sees only opens' does call_rcu(cb) without declaring the RCU readers it snapshots",
    );
    k.runningStep = step('queues, sees only closes', [wr(k.rcuObj), rd(k.rcuCloseObj)]);
    expect(() => k.rcu.call('cb', 'rcu', () => {})).toThrow(/without declaring the RCU readers/);
    k.runningStep = step('queues', [wr(k.rcuObj), rd(k.rcuOpenObj), rd(k.rcuCloseObj)]);
    k.rcu.call('ok', 'rcu', () => {});
    k.runningStep = undefined;
    k.rcu.call('setup', 'rcu', () => {});
    expect(k.rcu.queue.map((c) => c.label)).toEqual(['ok', 'setup']);
  });

  it('fireHook runs every program attached at the hook, in attach order, one level deeper (hookDepth)', () => {
    const k = new Kernel();
    const a = k.addActor('A', 'cpu', cpu(0));
    const log: string[] = [];
    expect(isHooked(k, 'fentry/f')).toBe(false);
    runToCompletion(fireHook(k, 'fentry/f', a));
    for (const name of ['p1', 'p2'])
      k.attachHook('fentry/f', function* (actor, args) {
        yield step(name);
        log.push(`${name} depth ${actor.hookDepth} cgroup ${args.cgroup}`);
      });
    expect(isHooked(k, 'fentry/f')).toBe(true);
    expect(k.hooks.get('fentry/f')!.length).toBe(2);
    const steps = [...fireHook(k, 'fentry/f', a, { cgroup: 7 as never })].map((s) => s.label);
    expect(steps).toEqual(['p1', 'p2']);
    expect(log).toEqual(['p1 depth 1 cgroup 7', 'p2 depth 1 cgroup 7']);
    expect(a.hookDepth).toBe(0);
  });
});

describe('bpf_map_put (kernel/bpf/syscall.c)', () => {
  it('drops one reference; only the last one queues bpf_map_free_deferred, which runs map_free', () => {
    const w = makeWorld();
    const r = cgrpStorageMapCreate(w.k, { name: 'm3', valueSize: 8 });
    if (!r.ok) throw new Error('create');
    const m = w.k.maps.get(r.value)!;
    m.refcnt = 2;
    runOp(w.k, w.user, bpfMapPut(w.k, w.user, r.value));
    expect(m.refcnt).toBe(1);
    expect(w.k.work.items).toEqual([]);
    runOp(w.k, w.user, bpfMapPut(w.k, w.user, r.value));
    expect(m.refcnt).toBe(0);
    expect(w.k.work.items.map((i) => i.label)).toEqual(['bpf_map_free_deferred(m3)']);
    expect(m.isLive).toBe(true);
    expect(drainDeferred(w)).toBe(true);
    expect(m.isLive).toBe(false);
    expect(w.k.observations.at(-1)).toEqual({ kind: 'map-free', actor: w.kw.id, map: r.value });
  });

  it('the last reference of a deprecated cgroup storage map queues its own map_free (cgroup_storage_map_free)', () => {
    const w = makeWorld();
    const r = cgroupStorageMapAlloc(w.k, {
      name: 'old',
      mapType: 'cgroup_storage',
      keySize: 8,
      valueSize: 8,
    });
    if (!r.ok) throw new Error('alloc');
    const m = w.k.maps.get(r.value)!;
    expect(m.refcnt).toBe(1);
    const put = start(w.k, w.user, bpfMapPut(w.k, w.user, r.value));
    expect(put.next).toStrictEqual({
      label: 'U: bpf_map_put(old)',
      accesses: [
        { kind: 'write', obj: m.obj },
        { kind: 'release', obj: w.k.work.obj },
      ],
    });
    put.run();
    expect(w.k.work.items.map((i) => i.label)).toEqual(['bpf_map_free_deferred(old)']);
    expect(drainDeferred(w)).toBe(true);
    expect(m.isLive).toBe(false);
    expect(w.k.memory.isLive(m.obj)).toBe(false);
    expect(w.k.observations.at(-1)).toEqual({ kind: 'map-free', actor: w.kw.id, map: r.value });
  });

  it('an unknown map is a checker bug', () => {
    const w = makeWorld();
    expect(() => runOp(w.k, w.user, bpfMapPut(w.k, w.user, 999 as never))).toThrow(
      'bpf_map_put: unknown map 999',
    );
  });
});
