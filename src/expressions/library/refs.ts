/** Reference builders and object helpers: EXPR-FN-1..7. */
import { celMethod, CelScalar, isCelList, isCelMap, type CelFunc, type CelInput, type CelMap, type CelUint, type CelValue } from "@bufbuild/cel";
import { KoreoFunctionError } from "../errors.ts";
import { field, isTruthy, noOverload, requireMap, typeName } from "./values.ts";

const { DYN } = CelScalar;
type Ref = Map<string, CelValue>;
type MapKey = bigint | string | boolean | CelUint;

function copyIfTruthy(from: CelMap, key: string, to: Ref): void {
  const v = field(from, key);
  if (isTruthy(v)) to.set(key, v as CelValue);
}

/** Steps 2–5 of EXPR-FN-1: `external`, or `name` with an optional `namespace`. */
function addIdentity(from: CelMap, to: Ref): Ref {
  const external = field(from, "external");
  if (external !== undefined) {
    if (!isTruthy(external)) throw new KoreoFunctionError("`external` must contain a value.");
    to.set("external", external);
    return to;
  }
  const name = field(from, "name");
  if (name === undefined) throw new KoreoFunctionError("`external` or `name` are required to build a reference.");
  if (!isTruthy(name)) throw new KoreoFunctionError("`name` must contain a value.");
  to.set("name", name);
  copyIfTruthy(from, "namespace", to);
  return to;
}

/** EXPR-FN-1: to_ref, a reference {apiVersion?, kind?, external | name, namespace?} from a map. */
function toRef(m: CelMap): Ref {
  const out: Ref = new Map();
  copyIfTruthy(m, "apiVersion", out);
  copyIfTruthy(m, "kind", out);
  return addIdentity(m, out);
}

/** EXPR-FN-2: self_ref, {apiVersion, kind, name, namespace} of a full object. */
function selfRef(m: CelMap): Ref {
  const required = (from: CelMap, key: string, label: string): CelValue => {
    const v = field(from, key);
    if (!isTruthy(v)) throw new KoreoFunctionError(`Missing \`${label}\`.`);
    return v as CelValue;
  };
  const apiVersion = required(m, "apiVersion", "apiVersion");
  const kind = required(m, "kind", "kind");
  const metadata = required(m, "metadata", "metadata");
  if (!isCelMap(metadata)) throw new KoreoFunctionError("Missing `metadata.name`.");
  const name = required(metadata, "name", "metadata.name");
  const namespace = required(metadata, "namespace", "metadata.namespace");
  return new Map<string, CelValue>([
    ["apiVersion", apiVersion],
    ["kind", kind],
    ["name", name],
    ["namespace", namespace],
  ]);
}

/** EXPR-FN-3: group_ref, to_ref with apiGroup (from apiVersion) instead of apiVersion. */
function groupRef(m: CelMap): Ref {
  const out: Ref = new Map();
  const apiGroup = field(m, "apiGroup");
  const apiVersion = field(m, "apiVersion");
  if (isTruthy(apiGroup)) out.set("apiGroup", apiGroup as CelValue);
  else if (typeof apiVersion === "string" && apiVersion !== "") out.set("apiGroup", apiVersion.split("/")[0] ?? "");
  copyIfTruthy(m, "kind", out);
  return addIdentity(m, out);
}

/**
 * EXPR-FN-5 / EXPR-107: a string or list receiver, a string or list status, and
 * (per the recommendation) a null status or null conditions are "not ready";
 * a condition that is not a map fails, and so does a number or bool in between.
 */
function configConnectReady(v: CelValue): boolean {
  if (typeof v === "string" || isCelList(v)) return false;
  const status = field(requireMap("config_connect_ready", v), "status");
  if (status === undefined || status === null || typeof status === "string" || isCelList(status)) return false;
  const conditions = requireMap("config_connect_ready", status).get("conditions");
  if (conditions === undefined || conditions === null) return false;
  // The reference iterates what it finds: a map's keys and a string's characters are conditions that are not maps.
  const entries = isCelList(conditions)
    ? [...conditions]
    : isCelMap(conditions)
      ? [...conditions.keys()]
      : typeof conditions === "string"
        ? [...conditions]
        : undefined;
  if (entries === undefined) throw noOverload("config_connect_ready", [v]);
  const notMap = entries.find((c) => !isCelMap(c));
  if (notMap !== undefined) throw new KoreoFunctionError(`config_connect_ready: a condition is a ${typeName(notMap)}, not a map`);
  const ready = (entries as CelMap[]).filter((c) => c.get("type") === "Ready");
  const only = ready.length === 1 ? ready[0] : undefined;
  return only !== undefined && only.get("reason") === "UpToDate" && only.get("status") === "True";
}

/** EXPR-FN-6: deep merge into a new map; base keys keep their place. */
function overlay(base: CelMap, patch: CelMap): Map<MapKey, CelInput> {
  const out = new Map<MapKey, CelInput>(base);
  for (const [key, value] of patch) {
    const current = base.get(key);
    out.set(key, isCelMap(current) && isCelMap(value) ? overlay(current, value) : value);
  }
  return out;
}

/** The values one element contributes: a list its items; optional quirks: a string its characters, a map its keys. */
function flattenedItems(item: CelValue): Iterable<CelValue> {
  if (isCelList(item)) return item;
  if (typeof item === "string") return item;
  if (isCelMap(item)) return item.keys();
  throw new KoreoFunctionError(`flatten: element of type ${typeName(item)} is not a list`);
}

/** EXPR-FN-7; optional quirk: a string receiver yields its characters. */
function flatten(v: CelValue): CelValue[] {
  if (typeof v === "string") return [...v];
  if (!isCelList(v)) throw noOverload("flatten", [v]);
  const out: CelValue[] = [];
  for (const item of v) {
    for (const x of flattenedItems(item)) out.push(x);
  }
  return out;
}

const mapFn = (name: string, impl: (m: CelMap) => Ref) =>
  celMethod(name, DYN, [], DYN, function () {
    return impl(requireMap(name, this));
  });

export const REF_FUNCTIONS: readonly CelFunc[] = [
  mapFn("to_ref", toRef),
  mapFn("self_ref", selfRef),
  mapFn("group_ref", groupRef),
  mapFn("kindless_ref", (m) => addIdentity(m, new Map())),
  celMethod("config_connect_ready", DYN, [], CelScalar.BOOL, function () {
    return configConnectReady(this);
  }),
  celMethod("overlay", DYN, [DYN], DYN, function (patch) {
    return overlay(requireMap("overlay", this), requireMap("overlay", patch));
  }),
  celMethod("flatten", DYN, [], DYN, function () {
    return flatten(this);
  }),
];
