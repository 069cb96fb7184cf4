/**
 * Which ValidatingWebhookConfiguration webhooks apply to a write (pure): the
 * admissionregistration.k8s.io/v1 `rules` (apiGroups, apiVersions, resources with
 * `plural/subresource`, operations, scope) and the namespace and object selectors.
 * Fields we do not model (matchPolicy, matchConditions) are ignored: an exact match only.
 */
import { isObject, meta, str, stringMap, type Json, type JsonObject } from "../json.ts";

export type Operation = "CREATE" | "UPDATE" | "DELETE" | "CONNECT";

/** One webhook of a configuration, read defensively: stored objects are not schema-checked. */
export interface Webhook {
  readonly configuration: string;
  readonly name: string;
  readonly url: string | undefined;
  /** Set when clientConfig names a Service, which this server cannot reach. */
  readonly service: string | undefined;
  readonly caBundle: string | undefined;
  readonly failurePolicy: "Fail" | "Ignore";
  readonly timeoutSeconds: number;
  readonly rules: readonly JsonObject[];
  readonly namespaceSelector: JsonObject | undefined;
  readonly objectSelector: JsonObject | undefined;
}

/** What is being written, as the rules see it. */
export interface Attributes {
  readonly group: string;
  readonly version: string;
  /** `plural` or `plural/subresource`. */
  readonly resource: string;
  readonly operation: Operation;
  readonly namespaced: boolean;
  readonly namespaceLabels: Record<string, string> | undefined;
  readonly objectLabels: Record<string, string>;
  readonly oldObjectLabels: Record<string, string> | undefined;
}

/** kube-apiserver's defaults: failurePolicy Fail, timeoutSeconds 10, clamped to 1..30. */
const DEFAULT_TIMEOUT_SECONDS = 10;

function strings(v: Json | undefined): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

function timeoutOf(v: Json | undefined): number {
  if (typeof v !== "number" || !Number.isFinite(v)) return DEFAULT_TIMEOUT_SECONDS;
  return Math.min(30, Math.max(1, Math.floor(v)));
}

function serviceOf(clientConfig: JsonObject): string | undefined {
  const service = clientConfig["service"];
  if (!isObject(service)) return undefined;
  return `${str(service["namespace"]) ?? ""}/${str(service["name"]) ?? ""}`;
}

function webhookOf(configuration: string, raw: Json): Webhook | undefined {
  if (!isObject(raw)) return undefined;
  const clientConfig = isObject(raw["clientConfig"]) ? raw["clientConfig"] : {};
  const namespaceSelector = raw["namespaceSelector"];
  const objectSelector = raw["objectSelector"];
  return {
    configuration,
    name: str(raw["name"]) ?? "",
    url: str(clientConfig["url"]),
    service: serviceOf(clientConfig),
    caBundle: str(clientConfig["caBundle"]),
    failurePolicy: raw["failurePolicy"] === "Ignore" ? "Ignore" : "Fail",
    timeoutSeconds: timeoutOf(raw["timeoutSeconds"]),
    rules: Array.isArray(raw["rules"]) ? raw["rules"].filter(isObject) : [],
    namespaceSelector: isObject(namespaceSelector) ? namespaceSelector : undefined,
    objectSelector: isObject(objectSelector) ? objectSelector : undefined,
  };
}

/** Every webhook of the stored configurations, in configuration-name order. */
export function webhooksOf(configurations: readonly JsonObject[]): Webhook[] {
  const sorted = [...configurations].sort((a, b) => (str(meta(a)["name"]) ?? "").localeCompare(str(meta(b)["name"]) ?? ""));
  return sorted.flatMap((c) => {
    const name = str(meta(c)["name"]) ?? "";
    const hooks = Array.isArray(c["webhooks"]) ? c["webhooks"] : [];
    return hooks.map((h) => webhookOf(name, h)).filter((h): h is Webhook => h !== undefined);
  });
}

const listed = (values: readonly string[], value: string): boolean => values.includes("*") || values.includes(value);

/** `resources` entries: `plural`, `plural/sub`, `*` (no subresources), `*\/*`, `plural/*`, `*\/sub`. */
function resourceMatches(patterns: readonly string[], resource: string): boolean {
  const [plural, sub] = resource.split("/") as [string, string | undefined];
  return patterns.some((p) => {
    const [pPlural, pSub] = p.split("/") as [string, string | undefined];
    if (pPlural !== "*" && pPlural !== plural) return false;
    if (pSub === undefined) return sub === undefined;
    return pSub === "*" || pSub === sub;
  });
}

function scopeMatches(scope: string | undefined, namespaced: boolean): boolean {
  if (scope === "Namespaced") return namespaced;
  if (scope === "Cluster") return !namespaced;
  return true;
}

function ruleMatches(rule: JsonObject, a: Attributes): boolean {
  return (
    listed(strings(rule["operations"]), a.operation) &&
    listed(strings(rule["apiGroups"]), a.group) &&
    listed(strings(rule["apiVersions"]), a.version) &&
    resourceMatches(strings(rule["resources"]), a.resource) &&
    scopeMatches(str(rule["scope"]), a.namespaced)
  );
}

function requirementMatches(expression: Json, labels: Record<string, string>): boolean {
  if (!isObject(expression)) return false;
  const key = str(expression["key"]) ?? "";
  const values = strings(expression["values"]);
  const has = Object.hasOwn(labels, key);
  switch (expression["operator"]) {
    case "In":
      return has && values.includes(labels[key] as string);
    case "NotIn":
      return !has || !values.includes(labels[key] as string);
    case "Exists":
      return has;
    case "DoesNotExist":
      return !has;
    default:
      return false;
  }
}

/** A metav1.LabelSelector; absent or empty selects everything. */
export function selectorMatches(selector: JsonObject | undefined, labels: Record<string, string>): boolean {
  if (selector === undefined) return true;
  const matchLabels = stringMap(selector["matchLabels"]);
  if (Object.entries(matchLabels).some(([k, v]) => labels[k] !== v)) return false;
  const expressions = Array.isArray(selector["matchExpressions"]) ? selector["matchExpressions"] : [];
  return expressions.every((e) => requirementMatches(e, labels));
}

/**
 * As kube-apiserver: the namespace selector applies to namespaced objects only (cluster-scoped
 * ones always pass); the object selector passes when the new or the old object matches.
 */
export function webhookApplies(webhook: Webhook, a: Attributes): boolean {
  if (!webhook.rules.some((r) => ruleMatches(r, a))) return false;
  if (a.namespaced && !selectorMatches(webhook.namespaceSelector, a.namespaceLabels ?? {})) return false;
  if (selectorMatches(webhook.objectSelector, a.objectLabels)) return true;
  return a.oldObjectLabels !== undefined && selectorMatches(webhook.objectSelector, a.oldObjectLabels);
}

/** Whether any rule could match this kind and operation, before the object exists (cheap pre-check). */
export function mayApply(webhooks: readonly Webhook[], a: Omit<Attributes, "namespaceLabels" | "objectLabels" | "oldObjectLabels">): boolean {
  const probe: Attributes = { ...a, namespaceLabels: undefined, objectLabels: {}, oldObjectLabels: undefined };
  return webhooks.some((w) => w.rules.some((r) => ruleMatches(r, probe)));
}
