/**
 * Runtime configuration (CTL-20 recommendation: every reference constant is a
 * setting with the reference value as default). Parsed from an env-like map by
 * a pure function so handlers, the relay and `npm start` share one reading.
 */
export interface ControllerTimings {
  /** CTL-14 periodic resync, seconds, and its ± fraction of jitter (SRV-5 recommendation). */
  readonly resyncSeconds: number;
  readonly resyncJitter: number;
  /** CTL-13 reconcile budget, seconds. */
  readonly reconcileTimeoutSeconds: number;
  /** CTL-9 selection-error Retry, seconds. */
  readonly selectionRetrySeconds: number;
  /** CTL-14 system-error backoff: min(2^n·base + U[0,jitter), cap), give up after maxAttempts. */
  readonly backoffBaseSeconds: number;
  readonly backoffJitterSeconds: number;
  readonly backoffCapSeconds: number;
  readonly backoffMaxAttempts: number;
  /** CTL-10 "due soon" window for Ok/Skip/DepSkip, seconds. */
  readonly okDueWindowSeconds: number;
}

export interface RuntimeConfig {
  readonly timings: ControllerTimings;
  /** CTL-2 with the recommendation: ordered lists, first namespace wins. */
  readonly koreoNamespaces: readonly string[];
  readonly templateNamespaces: readonly string[];
  readonly resourceNamespaces: readonly string[];
  /** SRV-8: a warm container re-lists definitions at most this often unless a request says they changed. */
  readonly definitionsTtlSeconds: number;
  /**
   * CRD-4: publish each definition's Ready condition; needs RBAC `patch` on `<kind>/status` of the koreo.dev kinds
   * (without it the writes are logged as warnings). A status write does not move the Workflow version (SRV-3 follows
   * `metadata.generation`) nor make the relay fan out, so it re-runs no trigger.
   */
  readonly definitionStatus: boolean;
  readonly workQueueUrl: string;
  readonly timerQueueUrl: string;
  /** SRV-7: the dead-letter queues the sweep hands back (KOREO_WORK_DLQ_URL, KOREO_TIMER_DLQ_URL); unset, not read. */
  readonly deadLetterQueueUrls: { readonly work?: string; readonly timer?: string };
  /** Unset on AWS; fauxqs's address locally. */
  readonly sqsEndpoint?: string;
  readonly region: string;
  /** CTL-19: the remote cluster ResourceFunctions act on; absent = the controller's own cluster. */
  readonly managedCluster?: ManagedClusterSource;
  /**
   * The relay: how long the API server may stay unreachable (or SQS, for sends) before that is a
   * stuck state — one ERROR and the `koreo_relay_stuck` metric — instead of a blip that one WARN
   * covers (KOREO_RELAY_STUCK_AFTER_SECONDS, default 300).
   */
  readonly relayStuckAfterSeconds: number;
}

/**
 * CTL-19, where the managed cluster is. `server`: MANAGED_RESOURCE_API_SERVER_URL and/or
 * MANAGED_RESOURCE_SERVICEACCOUNT (a service-account directory holding `token` and `ca.crt`,
 * as kr8s reads it, or a token file; without a URL the in-cluster KUBERNETES_SERVICE_HOST/PORT),
 * with MANAGED_RESOURCE_TOKEN and MANAGED_RESOURCE_CA_DATA (base64 PEM) as alternatives.
 * `kubeconfig`: MANAGED_RESOURCE_KUBECONFIG (else the default locations) and MANAGED_RESOURCE_CONTEXT.
 */
export type ManagedClusterSource =
  | { readonly kind: "server"; readonly server: string; readonly serviceAccount?: string; readonly token?: string; readonly caData?: string }
  | { readonly kind: "kubeconfig"; readonly kubeconfigPath?: string; readonly context?: string };

export type Env = Readonly<Record<string, string | undefined>>;

export const DEFAULT_TIMINGS: ControllerTimings = Object.freeze({
  resyncSeconds: 1200,
  resyncJitter: 0.1,
  reconcileTimeoutSeconds: 30,
  selectionRetrySeconds: 120,
  backoffBaseSeconds: 30,
  backoffJitterSeconds: 30,
  backoffCapSeconds: 900,
  backoffMaxAttempts: 10,
  okDueWindowSeconds: 5,
});

const DEFAULT_NAMESPACE = "koreo-testing";

/**
 * A namespace list entry meaning "every namespace" (`KOREO_NAMESPACE=*`). Entries before it keep
 * their CTL-2 priority; every other namespace ranks after them, equal among themselves.
 */
export const ALL_NAMESPACES = "*";

/**
 * The namespaces to list and watch for a priority list: `[""]` (the Kubernetes convention for
 * "all namespaces" in list and watch paths) when it holds ALL_NAMESPACES, since one cluster-wide
 * watch already covers the named ones; else the list itself.
 */
export function namespaceScopes(namespaces: readonly string[]): readonly string[] {
  return namespaces.includes(ALL_NAMESPACES) ? [""] : namespaces;
}

/** How a scope reads in logs and the start banner. */
export function describeScope(namespace: string): string {
  return namespace === "" ? "all namespaces" : namespace;
}

export function timingsFromEnv(env: Env): ControllerTimings {
  const d = DEFAULT_TIMINGS;
  return {
    resyncSeconds: num(env.KOREO_RESYNC_SECONDS, d.resyncSeconds),
    resyncJitter: num(env.KOREO_RESYNC_JITTER, d.resyncJitter),
    reconcileTimeoutSeconds: num(env.KOREO_RECONCILE_TIMEOUT_SECONDS, d.reconcileTimeoutSeconds),
    selectionRetrySeconds: num(env.KOREO_SELECTION_RETRY_SECONDS, d.selectionRetrySeconds),
    backoffBaseSeconds: num(env.KOREO_BACKOFF_BASE_SECONDS, d.backoffBaseSeconds),
    backoffJitterSeconds: num(env.KOREO_BACKOFF_JITTER_SECONDS, d.backoffJitterSeconds),
    backoffCapSeconds: num(env.KOREO_BACKOFF_CAP_SECONDS, d.backoffCapSeconds),
    backoffMaxAttempts: num(env.KOREO_BACKOFF_MAX_ATTEMPTS, d.backoffMaxAttempts),
    okDueWindowSeconds: num(env.KOREO_OK_DUE_WINDOW_SECONDS, d.okDueWindowSeconds),
  };
}

export function configFromEnv(env: Env): RuntimeConfig {
  const koreoNamespaces = list(env.KOREO_NAMESPACE, [DEFAULT_NAMESPACE]);
  const base = {
    timings: timingsFromEnv(env),
    koreoNamespaces,
    templateNamespaces: list(env.TEMPLATE_NAMESPACE, koreoNamespaces),
    resourceNamespaces: list(env.RESOURCE_NAMESPACE, [DEFAULT_NAMESPACE]),
    definitionsTtlSeconds: num(env.KOREO_DEFINITIONS_TTL_SECONDS, 10),
    relayStuckAfterSeconds: num(env.KOREO_RELAY_STUCK_AFTER_SECONDS, 300),
    definitionStatus: bool(env.KOREO_DEFINITION_STATUS, true),
    workQueueUrl: env.KOREO_WORK_QUEUE_URL ?? "",
    timerQueueUrl: env.KOREO_TIMER_QUEUE_URL ?? "",
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "us-east-1",
    deadLetterQueueUrls: {
      ...(env.KOREO_WORK_DLQ_URL ? { work: env.KOREO_WORK_DLQ_URL } : {}),
      ...(env.KOREO_TIMER_DLQ_URL ? { timer: env.KOREO_TIMER_DLQ_URL } : {}),
    },
  };
  const managed = managedClusterFromEnv(env);
  const withManaged = managed === undefined ? base : { ...base, managedCluster: managed };
  return env.SQS_ENDPOINT === undefined || env.SQS_ENDPOINT === "" ? withManaged : { ...withManaged, sqsEndpoint: env.SQS_ENDPOINT };
}

/** CTL-19: undefined unless one of the four MANAGED_RESOURCE_* selectors is set. */
export function managedClusterFromEnv(env: Env): ManagedClusterSource | undefined {
  const set = (name: string) => (env[name] === undefined || env[name] === "" ? undefined : env[name]);
  const url = set("MANAGED_RESOURCE_API_SERVER_URL");
  const serviceAccount = set("MANAGED_RESOURCE_SERVICEACCOUNT");
  const kubeconfigPath = set("MANAGED_RESOURCE_KUBECONFIG");
  const context = set("MANAGED_RESOURCE_CONTEXT");
  if (url !== undefined || serviceAccount !== undefined) {
    const host = set("KUBERNETES_SERVICE_HOST");
    const server = url ?? (host === undefined ? undefined : `https://${host.includes(":") ? `[${host}]` : host}:${set("KUBERNETES_SERVICE_PORT") ?? "443"}`);
    if (server === undefined)
      throw new Error("MANAGED_RESOURCE_SERVICEACCOUNT without MANAGED_RESOURCE_API_SERVER_URL needs KUBERNETES_SERVICE_HOST (in-cluster)");
    const token = set("MANAGED_RESOURCE_TOKEN");
    const caData = set("MANAGED_RESOURCE_CA_DATA");
    return {
      kind: "server",
      server,
      ...(serviceAccount !== undefined && { serviceAccount }),
      ...(token !== undefined && { token }),
      ...(caData !== undefined && { caData }),
    };
  }
  if (kubeconfigPath === undefined && context === undefined) return undefined;
  return { kind: "kubeconfig", ...(kubeconfigPath !== undefined && { kubeconfigPath }), ...(context !== undefined && { context }) };
}

/** A comma-separated ordered list; blanks dropped; the fallback when empty. */
export function list(raw: string | undefined, fallback: readonly string[]): readonly string[] {
  const items = (raw ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  return items.length > 0 ? items : fallback;
}

/** `true`/`false` (any case); blank means the default. Anything else is a typo worth failing on. */
function bool(raw: string | undefined, fallback: boolean): boolean {
  const value = (raw ?? "").trim().toLowerCase();
  if (value === "") return fallback;
  if (value === "true" || value === "false") return value === "true";
  throw new Error(`configuration value '${raw}' is not true or false`);
}

function num(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`configuration value '${raw}' is not a non-negative number`);
  return value;
}
