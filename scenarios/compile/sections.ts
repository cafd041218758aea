/**
 * How the scenario format's program and attach names map onto the model's:
 * a program's (type, attach) becomes the ELF section libbpf would see, and a
 * cgroup attach point becomes its enum bpf_attach_type.
 */
import type { AttachType } from '../../model/programs/bpfProgram.js';
import type { AttachType as DefAttachType, ProgramType } from '../format/types.js';

const CGROUP_ATTACH: Readonly<Record<DefAttachType, AttachType>> = {
  ingress: 'cgroup_inet_ingress',
  egress: 'cgroup_inet_egress',
  sock_create: 'cgroup_inet_sock_create',
  connect4: 'cgroup_inet4_connect',
  connect6: 'cgroup_inet6_connect',
  sock_ops: 'cgroup_sock_ops',
  device: 'cgroup_device',
  sysctl: 'cgroup_sysctl',
  getsockopt: 'cgroup_getsockopt',
  setsockopt: 'cgroup_setsockopt',
  lsm_cgroup: 'lsm_cgroup',
};

/** The model attach type of a scenario attach name, e.g. `egress` → cgroup_inet_egress. */
export function modelAttachType(name: string): AttachType | undefined {
  return (CGROUP_ATTACH as Readonly<Record<string, AttachType>>)[name];
}

/** Program types whose section carries a BTF target after the slash. */
const TARGETED = new Set<ProgramType>(['tp_btf', 'fentry', 'fexit', 'kprobe', 'iter', 'lsm', 'lsm_cgroup']);
/** Program types libbpf offers a sleepable `.s` section for. */
const SLEEPABLE = new Set<ProgramType>(['fentry', 'fexit', 'iter', 'lsm']);

/**
 * The ELF section for a program: `tp_btf/sys_enter`, `fentry.s/…`, `cgroup_skb/egress`,
 * `cgroup/connect6`, `sockops`. Unknown combinations still produce a section, which the
 * model's section parser then refuses with its own message.
 */
export function sectionOf(type: ProgramType, attach: string, isSleepable: boolean): string {
  if (TARGETED.has(type)) return `${type}${isSleepable && SLEEPABLE.has(type) ? '.s' : ''}/${attach}`;
  switch (type) {
    case 'cgroup_skb':
      return `cgroup_skb/${attach}`;
    case 'cgroup_sock':
      return 'cgroup/sock_create';
    case 'sock_ops':
      return 'sockops';
    case 'cgroup_device':
      return 'cgroup/dev';
    case 'cgroup_sysctl':
      return 'cgroup/sysctl';
    default:
      return `cgroup/${attach}`;
  }
}
