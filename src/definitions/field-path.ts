/**
 * Field paths as shown to users: `spec.steps[2].inputs.x`. Keys that are not plain
 * words are quoted (`metadata.labels['koreo.dev/active']`) so every path parses back.
 */
export type PathSegment = string | number;

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

export function formatPath(segments: readonly PathSegment[]): string {
  let out = "";
  for (const segment of segments) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `['${segment.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}']`;
  }
  return out;
}

/** Inverse of formatPath; lenient with `["x"]` too. Unparseable tails are dropped. */
export function parsePath(path: string): PathSegment[] {
  const segments: PathSegment[] = [];
  const pattern = /\[(\d+)\]|\[(['"])((?:\\.|(?!\2).)*)\2\]|\.?([^.[\]]+)/gy;
  let match: RegExpExecArray | null;
  while (pattern.lastIndex < path.length && (match = pattern.exec(path)) !== null) {
    if (match[1] !== undefined) segments.push(Number(match[1]));
    else if (match[3] !== undefined) segments.push(match[3].replace(/\\(.)/g, "$1"));
    else if (match[4] !== undefined) segments.push(match[4]);
  }
  return segments;
}

/** JSON pointer (`/steps/2/label`, as ajv reports) → segments, numbers for array indexes. */
export function segmentsFromPointer(pointer: string, isIndex: (prefix: readonly PathSegment[]) => boolean): PathSegment[] {
  if (pointer === "") return [];
  const out: PathSegment[] = [];
  for (const raw of pointer.slice(1).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    out.push(isIndex(out) && /^\d+$/.test(key) ? Number(key) : key);
  }
  return out;
}
