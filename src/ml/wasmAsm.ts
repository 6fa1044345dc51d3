/**
 * The few WebAssembly encoders the tree and GEMM kernels need to assemble their modules
 * from bytes in-process (no toolchain or binary file): LEB128 integers,
 * sections, and a module of i32-parameter functions importing one memory.
 */

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (i32 constants). */
export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

/** A section: id, byte length, body. */
export function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

/** A name (ASCII). */
export function str(s: string): number[] {
  return [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
}

/** Value types. */
export const T = { i32: 0x7f, f64: 0x7c, v128: 0x7b } as const;

/** One exported function: name, i32 parameter count, extra locals (type per local), body (without the final end). */
export interface AsmFunction {
  readonly name: string;
  readonly params: number;
  readonly locals: readonly number[];
  readonly body: readonly number[];
  /** Result type, if the function returns one. */
  readonly result?: number;
}

/**
 * A module importing env.mem (one page minimum) and exporting the given functions, each with its own type.
 * With `sharedMemory` the import is a shared memory (at most 65536 pages), so instances on several
 * threads can work on one WebAssembly.Memory({ shared: true, maximum }).
 */
export function moduleBytes(fns: readonly AsmFunction[], { sharedMemory = false }: { sharedMemory?: boolean } = {}): Uint8Array {
  const types = fns.flatMap((f) => [0x60, ...uleb(f.params), ...Array<number>(f.params).fill(T.i32), ...(f.result ? [1, f.result] : [0])]);
  const type = section(1, [...uleb(fns.length), ...types]);
  const limits = sharedMemory ? [0x03, 1, ...uleb(65536)] : [0x00, 1];
  const imp = section(2, [1, ...str('env'), ...str('mem'), 0x02, ...limits]);
  const func = section(3, [...uleb(fns.length), ...fns.flatMap((_, i) => uleb(i))]);
  const exp = section(7, [...uleb(fns.length), ...fns.flatMap((f, i) => [...str(f.name), 0x00, ...uleb(i)])]);
  const bodies = fns.map((f) => {
    const decl = f.locals.map((t) => [1, t]);
    const body = [...uleb(decl.length), ...decl.flat(), ...f.body, 0x0b];
    return [...uleb(body.length), ...body];
  });
  const code = section(10, [...uleb(fns.length), ...bodies.flat()]);
  return Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...type, ...imp, ...func, ...exp, ...code]);
}

/** The slice of the WebAssembly JS API used here (this project's lib has no DOM typings). */
export interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
}

/** A WebAssembly.Memory (growing it detaches the old buffer); a shared one's buffer is a SharedArrayBuffer. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}

/** The host's WebAssembly, or undefined. */
export const wasmApi = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
