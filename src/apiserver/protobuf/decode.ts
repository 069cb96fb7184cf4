/**
 * Kubernetes protobuf request bodies, decoded into the JSON objects the rest of
 * the server handles.
 *
 * Why decode at all: kubectl 1.32's typed clients (every imperative generator:
 * `kubectl create configmap|deployment|…`, `kubectl run`) are configured client-side
 * with ContentType application/vnd.kubernetes.protobuf. Nothing the server
 * advertises (discovery, OpenAPI, response types) changes that, and client-go only
 * falls back from CBOR, not protobuf, after a 415. So the server must read them.
 *
 * Wire format: magic "k8s\0", then runtime.Unknown{typeMeta, raw, contentEncoding,
 * contentType} whose `raw` is the kind's message. Messages are read with
 * @bufbuild/protobuf's BinaryReader against the field tables in messages.ts.
 * Zero-valued non-pointer fields are dropped, as JSON's omitempty would; a field
 * the tables do not know is refused (415, naming message, number and path) unless it
 * carries only zeros, which go-to-protobuf writes for every non-pointer field.
 */
import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import { ApiError, badRequest } from "../errors.ts";
import type { Json, JsonObject } from "../json.ts";
import { KIND_MESSAGES, MESSAGES, type FieldSpec } from "./messages.ts";

export const PROTOBUF_MEDIA_TYPE = "application/vnd.kubernetes.protobuf";
const MAGIC = [0x6b, 0x38, 0x73, 0x00];
/** The tables hold no recursive message today; this keeps a future one (e.g. JSONSchemaProps) from recursing without bound. */
const MAX_DEPTH = 32;

const unsupported = (message: string): ApiError => new ApiError(415, "UnsupportedMediaType", `${message}; send the object as JSON or YAML instead`);

/** Decodes a whole request body into an object with apiVersion and kind set. */
export function decodeProtobufObject(body: Uint8Array): JsonObject {
  if (body.length < MAGIC.length || MAGIC.some((b, i) => body[i] !== b))
    throw badRequest("protobuf body does not start with the Kubernetes magic number k8s\\0");
  const envelope = decodeMessage(body.subarray(MAGIC.length), "Unknown", "", 0);
  const typeMeta = (envelope["typeMeta"] ?? {}) as JsonObject;
  const apiVersion = typeof typeMeta["apiVersion"] === "string" ? typeMeta["apiVersion"] : "";
  const kind = typeof typeMeta["kind"] === "string" ? typeMeta["kind"] : "";
  if (envelope["contentEncoding"] !== undefined) throw unsupported(`protobuf content encoding "${String(envelope["contentEncoding"])}" is not supported`);
  const message = KIND_MESSAGES[`${apiVersion}/${kind}`];
  if (message === undefined) throw unsupported(`protobuf bodies of kind ${kind} (${apiVersion}) are not supported by the embedded API server`);
  const raw = Buffer.from(typeof envelope["raw"] === "string" ? envelope["raw"] : "", "base64");
  return { apiVersion, kind, ...decodeMessage(raw, message, "", 0) };
}

function decodeMessage(bytes: Uint8Array, message: string, path: string, depth: number): JsonObject {
  if (depth > MAX_DEPTH) throw badRequest(`protobuf body nests deeper than ${MAX_DEPTH} messages`);
  const fields = MESSAGES.get(message)!;
  const reader = new BinaryReader(bytes);
  const out: JsonObject = {};
  try {
    while (reader.pos < reader.len) {
      const [no, wireType] = reader.tag();
      const field = fields.get(no);
      if (field === undefined) {
        skipUnknown(reader, wireType, no, message, path);
        continue;
      }
      readField(reader, wireType, field, out, message, join(path, field.name), depth);
    }
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw badRequest(`invalid protobuf in ${message}${path === "" ? "" : ` at ${path}`}: ${(e as Error).message}`);
  }
  return out;
}

function join(path: string, name: string): string {
  return path === "" ? name : `${path}.${name}`;
}

function skipUnknown(reader: BinaryReader, wireType: WireType, no: number, message: string, path: string): void {
  const skipped = reader.skip(wireType, no);
  if (skipped.every((b) => b === 0)) return;
  throw unsupported(`protobuf field ${no} of ${message}${path === "" ? "" : ` (in ${path})`} is not supported by the embedded API server`);
}

function expectedWireType(field: FieldSpec): WireType {
  return !field.map && (field.type === "int" || field.type === "bool") ? WireType.Varint : WireType.LengthDelimited;
}

function readField(reader: BinaryReader, wireType: WireType, field: FieldSpec, out: JsonObject, message: string, path: string, depth: number): void {
  if (wireType !== expectedWireType(field))
    throw badRequest(`invalid protobuf: ${message}.${field.name} has wire type ${wireType}, expected ${expectedWireType(field)}`);
  if (field.map) {
    const [key, value] = readMapEntry(reader.bytes(), field, path, depth);
    const map = (out[field.name] ?? {}) as JsonObject;
    map[key] = value;
    out[field.name] = map;
    return;
  }
  const value = readValue(reader, field.type, path, depth);
  if (field.repeated) {
    const list = (out[field.name] ?? []) as Json[];
    list.push(value ?? emptyOf(field.type));
    out[field.name] = list;
    return;
  }
  if (value !== undefined && (field.pointer || !isZero(value))) out[field.name] = value;
}

/** Map entries are messages {1: key, 2: value}; a missing value is its type's zero. */
function readMapEntry(bytes: Uint8Array, field: FieldSpec, path: string, depth: number): [string, Json] {
  const reader = new BinaryReader(bytes);
  let key = "";
  let value: Json | undefined;
  while (reader.pos < reader.len) {
    const [no, wireType] = reader.tag();
    if (no === 1 && wireType === WireType.LengthDelimited) key = reader.string(true);
    else if (no === 2) value = readValue(reader, field.type, join(path, key), depth);
    else reader.skip(wireType, no);
  }
  return [key, value ?? emptyOf(field.type)];
}

function emptyOf(type: string): Json {
  if (type === "int") return 0;
  if (type === "bool") return false;
  if (type === "string" || type === "bytes" || type === "quantity") return "";
  return {};
}

function isZero(value: Json): boolean {
  if (value === "" || value === 0 || value === false || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === "object" && Object.keys(value).length === 0;
}

/** One value of a field; undefined stands for "unset" (a zero time or int-or-string). */
function readValue(reader: BinaryReader, type: string, path: string, depth: number): Json | undefined {
  switch (type) {
    case "string":
      return reader.string(true);
    case "bytes":
      return Buffer.from(reader.bytes()).toString("base64");
    case "int":
      return Number(reader.int64());
    case "bool":
      return reader.bool();
    case "time":
      return readTime(reader.bytes());
    case "quantity":
      return readQuantity(reader.bytes());
    case "intstr":
      return readIntOrString(reader.bytes());
    case "fieldsV1":
      return readFieldsV1(reader.bytes(), path);
    default:
      return decodeMessage(reader.bytes(), type, path, depth + 1);
  }
}

/** metav1.Time: {1: seconds, 2: nanos}; JSON carries whole seconds in RFC 3339. */
function readTime(bytes: Uint8Array): string | undefined {
  const reader = new BinaryReader(bytes);
  let seconds = 0;
  while (reader.pos < reader.len) {
    const [no, wireType] = reader.tag();
    if (no === 1 && wireType === WireType.Varint) seconds = Number(reader.int64());
    else reader.skip(wireType, no);
  }
  if (seconds === 0) return undefined;
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** resource.Quantity: {1: string}. */
function readQuantity(bytes: Uint8Array): string {
  const reader = new BinaryReader(bytes);
  let text = "";
  while (reader.pos < reader.len) {
    const [no, wireType] = reader.tag();
    if (no === 1 && wireType === WireType.LengthDelimited) text = reader.string(true);
    else reader.skip(wireType, no);
  }
  return text;
}

/** intstr.IntOrString: {1: type (0 int, 1 string), 2: intVal, 3: strVal}. */
function readIntOrString(bytes: Uint8Array): Json {
  const reader = new BinaryReader(bytes);
  let kind = 0;
  let intVal = 0;
  let strVal = "";
  while (reader.pos < reader.len) {
    const [no, wireType] = reader.tag();
    if (no === 1 && wireType === WireType.Varint) kind = reader.int32();
    else if (no === 2 && wireType === WireType.Varint) intVal = reader.int32();
    else if (no === 3 && wireType === WireType.LengthDelimited) strVal = reader.string(true);
    else reader.skip(wireType, no);
  }
  return kind === 1 ? strVal : intVal;
}

/** metav1.FieldsV1: {1: raw JSON}. */
function readFieldsV1(bytes: Uint8Array, path: string): Json {
  const reader = new BinaryReader(bytes);
  let raw: Uint8Array = new Uint8Array();
  while (reader.pos < reader.len) {
    const [no, wireType] = reader.tag();
    if (no === 1 && wireType === WireType.LengthDelimited) raw = reader.bytes();
    else reader.skip(wireType, no);
  }
  if (raw.length === 0) return {};
  try {
    return JSON.parse(Buffer.from(raw).toString("utf8")) as Json;
  } catch {
    throw badRequest(`invalid protobuf: ${path} does not hold JSON`);
  }
}
