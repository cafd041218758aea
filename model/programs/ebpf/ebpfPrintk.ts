/**
 * bpf_trace_printk(fmt, fmt_size, arg1, arg2, arg3) (kernel/trace/bpf_trace.c):
 * bpf_bprintf_prepare (kernel/bpf/helpers.c) checks the format, bstr_printf
 * formats it into the trace, the helper returns the formatted length or -EINVAL.
 */
import { EINVAL } from '../../core/errno.js';

/** MAX_TRACE_PRINTK_VARARGS (kernel/trace/bpf_trace.c). */
const MAX_TRACE_PRINTK_VARARGS = 3;

/** The formatted text, or -EINVAL as bpf_bprintf_prepare refuses a format. */
export type PrintkResult = { ok: true; text: string } | { ok: false; errno: number };

/**
 * Formats `fmt` (fmt_size bytes as the program passed them) with `args`:
 * %d %i %u %x %X %c with no, `l` or `ll` length (32-bit without one, as the
 * kernel's bin_args store them) and %%. No NUL within fmt_size, a character that
 * is neither printable nor space, more than three conversions or a conversion
 * the model does not format (%s, %p…, widths) is -EINVAL: the model would rather
 * refuse than trace text the kernel would not.
 */
export function bpfTracePrintk(fmt: Uint8Array, args: readonly bigint[]): PrintkResult {
  const end = fmt.indexOf(0);
  if (end < 0) return { ok: false, errno: EINVAL };
  let out = '';
  let used = 0;
  for (let i = 0; i < end; i++) {
    const c = fmt[i]!;
    if (!isPrintOrSpace(c)) return { ok: false, errno: EINVAL };
    if (c !== 0x25) {
      out += String.fromCharCode(c);
      continue;
    }
    const spec = /^%(%|(l{0,2})([diuxXc]))/.exec(
      String.fromCharCode(...fmt.subarray(i, Math.min(end, i + 4))),
    );
    if (spec === null) return { ok: false, errno: EINVAL };
    i += spec[0].length - 1;
    if (spec[1] === '%') {
      out += '%';
      continue;
    }
    if (used === MAX_TRACE_PRINTK_VARARGS) return { ok: false, errno: EINVAL };
    out += formatArg(args[used++] ?? 0n, spec[2]!.length > 0, spec[3]!);
  }
  return { ok: true, text: out };
}

/** isprint() || isspace() of an ASCII byte (bpf_bprintf_prepare). */
const isPrintOrSpace = (c: number): boolean => (c >= 0x20 && c < 0x7f) || (c >= 0x09 && c <= 0x0d);

function formatArg(v: bigint, isLong: boolean, conv: string): string {
  const bits = isLong ? 64 : 32;
  const u = BigInt.asUintN(bits, v);
  if (conv === 'd' || conv === 'i') return BigInt.asIntN(bits, v).toString();
  if (conv === 'u') return u.toString();
  if (conv === 'x') return u.toString(16);
  if (conv === 'X') return u.toString(16).toUpperCase();
  return String.fromCharCode(Number(v & 0xffn)); // %c
}
