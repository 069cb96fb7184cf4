/**
 * `limit`/`continue` for lists. Items are ordered by namespace/name; the token
 * remembers the last key served and the first page's resourceVersion, which later
 * pages are listed at (see list-at.ts), so a page sequence is one consistent list.
 */
import { badRequest } from "../errors.ts";
import { meta, str, type JsonObject } from "../json.ts";

export interface Page {
  readonly items: JsonObject[];
  readonly continueToken?: string;
  readonly remaining: number;
}

function keyOf(obj: JsonObject): string {
  const m = meta(obj);
  return `${str(m["namespace"]) ?? ""}/${str(m["name"]) ?? ""}`;
}

export interface ContinueToken {
  readonly after: string;
  /** The resourceVersion the first page was listed at. */
  readonly rv: number;
}

export function decodeToken(token: string): ContinueToken {
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { after?: unknown; rv?: unknown };
    if (typeof parsed.after === "string" && Number.isSafeInteger(parsed.rv)) return { after: parsed.after, rv: parsed.rv as number };
  } catch {
    // fall through to the error below
  }
  throw badRequest("invalid continue token");
}

/** One page of `objects` (listed at `rv`) after `after`, the key a continue token carried. */
export function paginate(objects: JsonObject[], limitParam: string | null, after: string | undefined, maxItems: number, rv: number): Page {
  const limit = limitParam === null || limitParam === "" ? 0 : Number(limitParam);
  if (!Number.isInteger(limit) || limit < 0) throw badRequest(`invalid limit "${limitParam}"`);
  const keyed = objects.map((o) => [keyOf(o), o] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const rest = after === undefined ? keyed : keyed.filter(([k]) => k > after);
  const size = Math.min(limit === 0 ? maxItems : limit, maxItems);
  if (rest.length <= size) return { items: rest.map(([, o]) => o), remaining: 0 };
  const page = rest.slice(0, size);
  const last = page[page.length - 1]![0];
  return {
    items: page.map(([, o]) => o),
    continueToken: Buffer.from(JSON.stringify({ after: last, rv })).toString("base64url"),
    remaining: rest.length - size,
  };
}
