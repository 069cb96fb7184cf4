/**
 * `limit`/`continue` for lists. Items are ordered by namespace/name and the
 * token remembers the last key served, so a page sequence sees every object that
 * existed throughout (not a snapshot: objects added meanwhile may appear).
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

function decodeToken(token: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { after?: unknown };
    if (typeof parsed.after === "string") return parsed.after;
  } catch {
    // fall through to the error below
  }
  throw badRequest("invalid continue token");
}

export function paginate(objects: JsonObject[], limitParam: string | null, continueParam: string | null, maxItems: number): Page {
  const limit = limitParam === null || limitParam === "" ? 0 : Number(limitParam);
  if (!Number.isInteger(limit) || limit < 0) throw badRequest(`invalid limit "${limitParam}"`);
  const keyed = objects.map((o) => [keyOf(o), o] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const after = continueParam === null || continueParam === "" ? undefined : decodeToken(continueParam);
  const rest = after === undefined ? keyed : keyed.filter(([k]) => k > after);
  const size = Math.min(limit === 0 ? maxItems : limit, maxItems);
  if (rest.length <= size) return { items: rest.map(([, o]) => o), remaining: 0 };
  const page = rest.slice(0, size);
  const last = page[page.length - 1]![0];
  return { items: page.map(([, o]) => o), continueToken: Buffer.from(JSON.stringify({ after: last })).toString("base64url"), remaining: rest.length - size };
}
