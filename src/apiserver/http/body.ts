/**
 * Request bodies: read with a byte limit (413 past it) and decoded by content
 * type. YAML is parsed with an alias budget so a "billion laughs" body fails
 * fast with 400 instead of exhausting memory.
 */
import type { IncomingMessage } from "node:http";
import { parse as parseYaml } from "yaml";
import { ApiError, badRequest, tooLarge, unsupportedMediaType } from "../errors.ts";
import type { Json } from "../json.ts";
import { decodeProtobufObject, PROTOBUF_MEDIA_TYPE } from "../protobuf/decode.ts";

export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > maxBytes) {
    req.resume();
    return Promise.reject(tooLarge("the request body"));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        // Keep draining so the client can read our 413 instead of a reset.
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => (size > maxBytes ? reject(tooLarge("the request body")) : resolve(Buffer.concat(chunks))));
    req.on("error", reject);
  });
}

export type BodyFormat = "json" | "yaml" | "protobuf" | "merge" | "json-patch" | "strategic" | "apply";

// A Map, not an object literal: a Content-Type such as `constructor` must not find a prototype member.
const FORMATS: ReadonlyMap<string, BodyFormat> = new Map(
  Object.entries({
    "application/json": "json",
    "application/yaml": "yaml",
    // What kubectl's imperative generators send for built-in kinds (see protobuf/decode.ts).
    [PROTOBUF_MEDIA_TYPE]: "protobuf",
    "application/merge-patch+json": "merge",
    "application/json-patch+json": "json-patch",
    "application/strategic-merge-patch+json": "strategic",
    "application/apply-patch+yaml": "apply",
  } satisfies Record<string, BodyFormat>) as [string, BodyFormat][],
);

export function bodyFormat(contentType: string | undefined): BodyFormat {
  const mime = (contentType ?? "application/json").split(";")[0]!.trim().toLowerCase();
  const format = FORMATS.get(mime === "" ? "application/json" : mime);
  if (format === undefined) throw unsupportedMediaType(mime);
  return format;
}

function parseJson(text: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch (e) {
    throw badRequest(`invalid JSON in request body: ${(e as Error).message}`);
  }
}

function parseYamlBounded(text: string): Json {
  try {
    return parseYaml(text, { maxAliasCount: 100, prettyErrors: false, uniqueKeys: true }) as Json;
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw badRequest(`invalid YAML in request body: ${(e as Error).message.split("\n")[0]}`);
  }
}

/** JSON bodies stay on the fast path; apply and YAML bodies may be either (JSON is YAML). */
export function decodeBody(format: BodyFormat, raw: Buffer): Json {
  if (format === "protobuf") return decodeProtobufObject(raw);
  const text = raw.toString("utf8");
  if (text.trim() === "") throw badRequest("the request body is empty");
  if (format === "yaml" || (format === "apply" && !text.trimStart().startsWith("{"))) return parseYamlBounded(text);
  return parseJson(text);
}
