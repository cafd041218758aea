/**
 * ELF section names to program type, attach type and sleepable flag, as libbpf's
 * section_defs do (tools/lib/bpf/libbpf.c), so a scenario names a program the way
 * its C source would: `SEC("cgroup_skb/egress")`, `SEC("fentry.s/sys_getpgid")`.
 */
import type { AttachType, ProgType } from './bpfProgram.js';

/** What a section name decides about a program. */
export interface SectionInfo {
  readonly type: ProgType;
  readonly attachType: AttachType | null;
  readonly attachTo?: string;
  readonly isSleepable: boolean;
}

/** Sections with no target: the whole name (or its first component) decides. */
const FIXED: ReadonlyMap<string, readonly [ProgType, AttachType]> = new Map([
  ['cgroup_skb/ingress', ['cgroup_skb', 'cgroup_inet_ingress']],
  ['cgroup_skb/egress', ['cgroup_skb', 'cgroup_inet_egress']],
  ['cgroup/sock_create', ['cgroup_sock', 'cgroup_inet_sock_create']],
  ['cgroup/sock', ['cgroup_sock', 'cgroup_inet_sock_create']],
  ['cgroup/connect4', ['cgroup_sock_addr', 'cgroup_inet4_connect']],
  ['cgroup/connect6', ['cgroup_sock_addr', 'cgroup_inet6_connect']],
  ['sockops', ['sock_ops', 'cgroup_sock_ops']],
  ['cgroup/dev', ['cgroup_device', 'cgroup_device']],
  ['cgroup/sysctl', ['cgroup_sysctl', 'cgroup_sysctl']],
  ['cgroup/getsockopt', ['cgroup_sockopt', 'cgroup_getsockopt']],
  ['cgroup/setsockopt', ['cgroup_sockopt', 'cgroup_setsockopt']],
]);

/** Sections `<prefix>/<target>`; `.s` after the prefix makes the program sleepable. */
const TARGETED: ReadonlyMap<string, readonly [ProgType, AttachType | null]> = new Map([
  ['tp_btf', ['tracing', 'trace_raw_tp']],
  ['fentry', ['tracing', 'trace_fentry']],
  ['fexit', ['tracing', 'trace_fexit']],
  ['iter', ['tracing', 'trace_iter']],
  ['lsm', ['lsm', 'lsm_mac']],
  ['lsm_cgroup', ['lsm', 'lsm_cgroup']],
  ['kprobe', ['kprobe', null]],
]);

/**
 * Decodes a section name; undefined if libbpf would not know it. As in libbpf,
 * `cgroup_skb/egress/1` matches `cgroup_skb/egress` (a suffix after '/' is ignored).
 */
export function parseSection(section: string): SectionInfo | undefined {
  const parts = section.split('/');
  for (const n of [2, 1]) {
    const fixed = FIXED.get(parts.slice(0, n).join('/'));
    if (fixed !== undefined) return { type: fixed[0], attachType: fixed[1], isSleepable: false };
  }
  const [head, ...rest] = parts;
  if (head === undefined || rest.length === 0 || rest.join('/') === '') return undefined;
  const isSleepable = head.endsWith('.s');
  const targeted = TARGETED.get(isSleepable ? head.slice(0, -2) : head);
  if (targeted === undefined) return undefined;
  return { type: targeted[0], attachType: targeted[1], attachTo: rest.join('/'), isSleepable };
}

/** The hook name a tracing program attaches to (see fireHook in model/kernel/kernel.ts), e.g. 'fentry/bpf_local_storage_update'. */
export function hookOf(info: { readonly attachType: AttachType | null; readonly attachTo?: string }): string {
  const kind: Partial<Record<AttachType, string>> = {
    trace_raw_tp: 'tp_btf',
    trace_fentry: 'fentry',
    trace_fexit: 'fexit',
    lsm_mac: 'lsm',
    lsm_cgroup: 'lsm_cgroup',
    trace_iter: 'iter',
  };
  const prefix = info.attachType === null ? 'kprobe' : (kind[info.attachType] ?? info.attachType);
  return `${prefix}/${info.attachTo ?? ''}`;
}
