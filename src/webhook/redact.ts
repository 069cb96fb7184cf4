/**
 * Dry-run responses go to whoever holds the webhook secret, who need not be allowed to read the
 * cluster's Secrets: every core/v1 Secret in a response — an object, or a recorded write whose
 * `ref` names one (a merge patch carries no kind of its own) — keeps the keys of its `data` and
 * `stringData` and loses their values, and so does any `*last-applied-configuration` annotation
 * (Koreo's and kubectl's copy of the whole object). Values copied from a Secret into other
 * objects by a program cannot be told apart from any other value and are not redacted.
 */
export const REDACTED = "<redacted>";

export interface Redaction<T> {
  /** The same shape: only string values inside Secret data maps change. */
  readonly value: T;
  /** JSON paths (`$.writes[0].body.data`) whose values were replaced. */
  readonly paths: string[];
}

const SECRET_FIELDS = ["data", "stringData"] as const;
/** Annotations holding a copy of the object, values included. */
const COPY_ANNOTATION = /(^|\/)last-applied-configuration$/;

type JsonObject = { [key: string]: unknown };

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** core/v1 Secret: apiVersion "v1" (a ref's or object's); absent counts, as a patch body may omit it. */
function isSecret(value: unknown): boolean {
  return isObject(value) && value.kind === "Secret" && (value.apiVersion === undefined || value.apiVersion === "v1");
}

/** Redacts a JSON value (no bigints, no cycles: the response body about to be sent). */
export function redactSecrets<T>(value: T): Redaction<T> {
  const paths: string[] = [];
  return { value: walk(value, "$", paths) as T, paths };
}

function walk(value: unknown, path: string, paths: string[]): unknown {
  if (Array.isArray(value)) return value.map((item, i) => walk(item, `${path}[${i}]`, paths));
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, child] of Object.entries(value)) out[key] = walk(child, `${path}.${key}`, paths);
  if (isSecret(out)) return withoutValues(out, path, paths);
  if (isSecret(out.ref) && isObject(out.body)) out.body = withoutValues(out.body, `${path}.body`, paths);
  return out;
}

function withoutValues(secret: JsonObject, path: string, paths: string[]): JsonObject {
  const out: JsonObject = { ...secret };
  for (const field of SECRET_FIELDS) {
    const values = out[field];
    if (!isObject(values)) continue;
    out[field] = Object.fromEntries(Object.keys(values).map((key) => [key, REDACTED]));
    paths.push(`${path}.${field}`);
  }
  return withoutCopies(out, path, paths);
}

function withoutCopies(secret: JsonObject, path: string, paths: string[]): JsonObject {
  const metadata = secret.metadata;
  if (!isObject(metadata) || !isObject(metadata.annotations)) return secret;
  const annotations: JsonObject = { ...metadata.annotations };
  for (const key of Object.keys(annotations).filter((k) => COPY_ANNOTATION.test(k))) {
    annotations[key] = REDACTED;
    paths.push(`${path}.metadata.annotations["${key}"]`);
  }
  return { ...secret, metadata: { ...metadata, annotations } };
}
