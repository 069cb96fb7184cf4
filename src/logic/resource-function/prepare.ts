/** Prepares a ResourceFunction (RF-1..9, VAL-4, VAL-5, RF-30): every expression compiled once, at load. */
import type { Definition, DefinitionLookup, PrepareOutcome, Preparer, Problem } from "../../definitions/index.ts";
import { prepareBody, prepareMapBody, prepareOverlay, preparePredicates } from "../../expressions/index.ts";
import type { ValueMap } from "../../value/index.ts";
import { boolField, delayField, fail, functionLocation, inputNamesOf, mapField, prepareFailure, specOf } from "../prepare-support.ts";
import type { PreparedApiConfig, PreparedCreate, PreparedOverlays, PreparedResourceFunction, PreparedSource, PreparedUpdate } from "../types.ts";
import { prepareOverlays } from "./prepare-overlays.ts";

/** RF-6 / RF-7 / VAL-2 default delays. */
const DEFAULT_DELAY = 30;

type Step<T> = { ok: true; value: T; warnings?: Problem[] } | { ok: false; failure: PrepareOutcome<PreparedResourceFunction> };

export const prepareResourceFunction: Preparer<PreparedResourceFunction> = (definition, lookup) => prepare(definition, lookup);

function prepare(definition: Definition, lookup: DefinitionLookup): PrepareOutcome<PreparedResourceFunction> {
  const checked = specOf(definition);
  if (!checked.ok) return checked.failure;
  const spec = checked.spec;
  const location = functionLocation(definition);
  const field = (name: string) => `${location}:spec.${name}`;

  const apiConfig = prepareApiConfig(definition, spec, field("apiConfig"));
  if (!apiConfig.ok) return apiConfig.failure;
  const source = prepareSource(definition, spec, field);
  if (!source.ok) return source.failure;
  const update = prepareUpdate(definition, spec);
  if (!update.ok) return update.failure;
  const create = prepareCreate(definition, spec, field("create.overlay"));
  if (!create.ok) return create.failure;
  const preconditions = preparePredicates(spec.preconditions, field("preconditions"));
  if (!preconditions.ok) return prepareFailure(definition, "spec.preconditions", preconditions.outcome);
  const locals = prepareMapBody(spec.locals, field("locals"));
  if (!locals.ok) return prepareFailure(definition, "spec.locals", locals.outcome);
  const postconditions = preparePredicates(spec.postconditions, field("postconditions"));
  if (!postconditions.ok) return prepareFailure(definition, "spec.postconditions", postconditions.outcome);
  const returns = prepareMapBody(spec.return, field("return"));
  if (!returns.ok) return prepareFailure(definition, "spec.return", returns.outcome);
  const { overlays, dependsOn } = prepareOverlays(spec.overlays, location, lookup);

  const value: PreparedResourceFunction = Object.freeze({
    kind: "ResourceFunction",
    name: definition.name,
    inputNames: inputNamesOf([
      preconditions.value,
      locals.value,
      apiConfig.value.identity,
      source.value.kind === "inline" ? source.value.body : source.value.name,
      ...overlayBodies(overlays),
      create.value.overlay,
      postconditions.value,
      returns.value,
    ]),
    location,
    apiConfig: apiConfig.value,
    preconditions: preconditions.value,
    locals: locals.value,
    source: source.value,
    overlays,
    create: create.value,
    update: update.value,
    postconditions: postconditions.value,
    returns: returns.value,
  });
  const warnings = apiConfig.warnings ?? [];
  return { ok: true, value, dependsOn, ...(warnings.length > 0 ? { warnings } : {}) };
}

function overlayBodies(overlays: PreparedOverlays) {
  if (!overlays.ok) return [];
  return overlays.items.flatMap((item) => [item.skipIf, item.kind === "inline" ? item.overlay : item.inputs]);
}

/** RF-1, VAL-4, RF-14: spec.apiConfig, its required fields and the name/namespace expressions. */
function prepareApiConfig(definition: Definition, spec: ValueMap, location: string): Step<PreparedApiConfig> {
  const config = mapField(spec, "apiConfig");
  const { apiVersion, kind, name, namespace, plural } = config ?? {};
  if (typeof apiVersion !== "string" || typeof kind !== "string" || name === undefined || name === null || name === "") {
    return { ok: false, failure: fail(definition, "spec.apiConfig", "`apiVersion`, `kind`, and `name` are required in `spec.apiConfig`") };
  }
  const namespaced = boolField(config, "namespaced", true);
  const hasNamespace = namespace !== undefined && namespace !== null && namespace !== "";
  if (namespaced && !hasNamespace) {
    return { ok: false, failure: fail(definition, "spec.apiConfig", "`namespace` is required when `spec.apiConfig.namespaced` is `true`") };
  }
  // RF-14 recommendation: a cluster-scoped type has no namespace; a given one is ignored, with a warning.
  const identitySpec: ValueMap = namespaced ? { name, namespace: namespace ?? null } : { name };
  const identity = prepareBody(identitySpec, location);
  if (!identity.ok) return { ok: false, failure: prepareFailure(definition, "spec.apiConfig", identity.outcome) };
  if (identity.value === undefined) {
    return { ok: false, failure: fail(definition, "spec.apiConfig", "`apiVersion`, `kind`, and `name` are required in `spec.apiConfig`") };
  }
  const value: PreparedApiConfig = {
    apiVersion,
    kind,
    plural: typeof plural === "string" && plural !== "" ? plural : undefined,
    namespaced,
    owned: boolField(config, "owned", true),
    readonly: boolField(config, "readonly", false),
    deleteIfExists: boolField(config, "deleteIfExists", false),
    identity: identity.value,
  };
  const warnings = !namespaced && hasNamespace ? [clusterScopedNamespaceWarning(definition)] : [];
  return { ok: true, value, warnings };
}

function clusterScopedNamespaceWarning(definition: Definition): Problem {
  return {
    severity: "warning",
    message: "`spec.apiConfig.namespace` is ignored because `spec.apiConfig.namespaced` is `false`",
    kind: definition.kind,
    name: definition.name,
    path: "spec.apiConfig.namespace",
  };
}

/** RF-4, VAL-5: exactly one of `resource` / `resourceTemplateRef`. */
function prepareSource(definition: Definition, spec: ValueMap, field: (name: string) => string): Step<PreparedSource> {
  const hasResource = spec.resource !== undefined;
  const hasTemplate = spec.resourceTemplateRef !== undefined;
  if (hasResource === hasTemplate) {
    return { ok: false, failure: fail(definition, "spec", "exactly one of `spec.resource` or `spec.resourceTemplateRef` is required") };
  }
  if (hasResource) {
    const body = prepareMapBody(spec.resource, field("resource"));
    return body.ok
      ? { ok: true, value: { kind: "inline", body: body.value } }
      : { ok: false, failure: prepareFailure(definition, "spec.resource", body.outcome) };
  }
  const ref = mapField(spec, "resourceTemplateRef");
  if (ref === undefined || ref.name === undefined || ref.name === null || ref.name === "") {
    return { ok: false, failure: fail(definition, "spec.resourceTemplateRef", "`spec.resourceTemplateRef.name` is required") };
  }
  const name = prepareBody(ref.name, field("resourceTemplateRef.name"));
  if (!name.ok) return { ok: false, failure: prepareFailure(definition, "spec.resourceTemplateRef.name", name.outcome) };
  return { ok: true, value: { kind: "template", name: name.value } };
}

/** RF-7, VAL-4: absent means patch with delay 30. */
function prepareUpdate(definition: Definition, spec: ValueMap): Step<PreparedUpdate> {
  const update = spec.update;
  if (update === undefined || update === null) return { ok: true, value: { strategy: "patch", delay: DEFAULT_DELAY } };
  const strategies = mapField(spec, "update") ? Object.keys(update as ValueMap).filter((k) => k === "patch" || k === "recreate" || k === "never") : [];
  if (strategies.length !== 1) {
    return { ok: false, failure: fail(definition, "spec.update", "Malformed `spec.update`, expected a mapping with `patch`, `recreate`, or `never`") };
  }
  const strategy = strategies[0] as "patch" | "recreate" | "never";
  if (strategy === "never") return { ok: true, value: { strategy } };
  const options = mapField(update as ValueMap, strategy);
  return { ok: true, value: { strategy, delay: delayField(options, "delay", DEFAULT_DELAY) } };
}

/** RF-6: spec.create, with its enabled flag, delay and create-only overlay. */
function prepareCreate(definition: Definition, spec: ValueMap, location: string): Step<PreparedCreate> {
  const create = mapField(spec, "create");
  const overlay = prepareOverlay(create?.overlay, location);
  if (!overlay.ok) return { ok: false, failure: prepareFailure(definition, "spec.create.overlay", overlay.outcome) };
  return {
    ok: true,
    value: { enabled: boolField(create, "enabled", true), delay: delayField(create, "delay", DEFAULT_DELAY), overlay: overlay.value },
  };
}

declare module "../../definitions/index.ts" {
  /** The registry holds a PreparedResourceFunction for every ResourceFunction (typed lookups, no casts). */
  interface PreparedKinds {
    ResourceFunction: PreparedResourceFunction;
  }
}
