/**
 * JSON patch (RFC 6902) with RFC 6901 pointers. Operations apply to a private
 * copy; any failing operation (including `test`) rejects the whole patch.
 */
import { badRequest, ApiError } from "../errors.ts";
import { clone, isObject, type Json, type JsonObject } from "../json.ts";
import { valuesEqual } from "../../value/index.ts";

interface Operation {
  op: string;
  path: string;
  from?: string;
  value?: Json;
}

function parsePointer(pointer: string): string[] {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) throw badRequest(`invalid JSON pointer "${pointer}"`);
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function toOperation(raw: Json): Operation {
  if (!isObject(raw) || typeof raw["op"] !== "string" || typeof raw["path"] !== "string") throw badRequest("json patch operations need string 'op' and 'path'");
  const op: Operation = { op: raw["op"], path: raw["path"] };
  if (typeof raw["from"] === "string") op.from = raw["from"];
  if (Object.hasOwn(raw, "value")) op.value = raw["value"];
  return op;
}

function arrayIndex(arr: Json[], token: string, forInsert: boolean): number {
  if (forInsert && token === "-") return arr.length;
  if (!/^(0|[1-9][0-9]*)$/.test(token)) throw badRequest(`invalid array index "${token}"`);
  const i = Number(token);
  if (i > arr.length || (!forInsert && i === arr.length)) throw badRequest(`array index ${i} out of range`);
  return i;
}

/** The container holding the pointer's last token. */
function parentOf(doc: Json, tokens: string[]): Json {
  let node = doc;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(node)) node = node[arrayIndex(node, t, false)]!;
    else if (isObject(node) && Object.hasOwn(node, t)) node = node[t]!;
    else throw badRequest(`path "/${tokens.join("/")}" does not exist`);
  }
  return node;
}

function read(doc: Json, pointer: string): Json {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return doc;
  const parent = parentOf(doc, tokens);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) return parent[arrayIndex(parent, last, false)]!;
  if (isObject(parent) && Object.hasOwn(parent, last)) return parent[last]!;
  throw badRequest(`path "${pointer}" does not exist`);
}

function remove(doc: Json, pointer: string): Json {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) throw badRequest("cannot remove the whole document");
  const parent = parentOf(doc, tokens);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) {
    parent.splice(arrayIndex(parent, last, false), 1);
    return doc;
  }
  if (!isObject(parent) || !Object.hasOwn(parent, last)) throw badRequest(`path "${pointer}" does not exist`);
  delete parent[last];
  return doc;
}

function add(doc: Json, pointer: string, value: Json, replace: boolean): Json {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return value;
  const parent = parentOf(doc, tokens);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) {
    const i = arrayIndex(parent, last, !replace);
    parent.splice(i, replace ? 1 : 0, value);
    return doc;
  }
  if (!isObject(parent)) throw badRequest(`path "${pointer}" has no object parent`);
  if (replace && !Object.hasOwn(parent, last)) throw badRequest(`path "${pointer}" does not exist`);
  parent[last] = value;
  return doc;
}

function applyOne(doc: Json, op: Operation): Json {
  const value = (): Json => {
    if (op.value === undefined) throw badRequest(`json patch ${op.op} needs a value`);
    return clone(op.value);
  };
  switch (op.op) {
    case "add":
      return add(doc, op.path, value(), false);
    case "replace":
      return add(doc, op.path, value(), true);
    case "remove":
      return remove(doc, op.path);
    case "copy":
      return add(doc, op.path, clone(read(doc, op.from ?? "")), false);
    case "move": {
      const moved = read(doc, op.from ?? "");
      return add(remove(doc, op.from ?? ""), op.path, moved, false);
    }
    case "test":
      if (!valuesEqual(read(doc, op.path), value())) throw new ApiError(422, "Invalid", `the test operation failed at "${op.path}"`);
      return doc;
    default:
      throw badRequest(`unknown json patch operation "${op.op}"`);
  }
}

export function jsonPatch(target: JsonObject, patch: Json): Json {
  if (!Array.isArray(patch)) throw badRequest("a json patch must be an array of operations");
  return patch.map(toOperation).reduce<Json>(applyOne, clone(target));
}
