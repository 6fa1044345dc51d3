/** JSON for model artifacts: typed arrays become tagged objects and come back as the same typed arrays. */

const TAGS = { Float64Array: '$f64', Float32Array: '$f32', Int32Array: '$i32', Uint8Array: '$u8', Uint16Array: '$u16', Uint32Array: '$u32' } as const;
const CTORS: Record<string, { from(x: number[]): unknown }> = { $f64: Float64Array, $f32: Float32Array, $i32: Int32Array, $u8: Uint8Array, $u16: Uint16Array, $u32: Uint32Array };

/** Serialise a value holding typed arrays (non-finite numbers are kept as strings). */
export function toArtifactJson(value: unknown): string {
  return JSON.stringify(value, function (this: unknown, _k, v: unknown) {
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
      const tag = TAGS[v.constructor.name as keyof typeof TAGS];
      if (tag) return { [tag]: Array.from(v as unknown as ArrayLike<number>, (x) => (Number.isFinite(x) ? x : String(x))) };
    }
    if (typeof v === 'number' && !Number.isFinite(v)) return { $num: String(v) };
    return v;
  });
}

/** Parse what toArtifactJson wrote. */
export function fromArtifactJson<T>(text: string): T {
  return JSON.parse(text, (_k, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const keys = Object.keys(v);
      if (keys.length === 1) {
        const k = keys[0]!;
        const raw = (v as Record<string, unknown>)[k];
        if (k === '$num') return Number(raw);
        const C = CTORS[k];
        if (C && Array.isArray(raw)) return C.from(raw.map(Number));
      }
    }
    return v;
  }) as T;
}
