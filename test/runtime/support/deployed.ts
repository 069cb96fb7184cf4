/**
 * The queue and function settings serverless.yml deploys, read from the file itself (not copied
 * into tests), so the fault tests run with what AWS would run: visibility timeouts, function
 * timeouts, the reconcile budget and batch size, maxReceiveCount. `${koreo:NAME}` resolves to
 * the default stage parameter NAME, as infra/aws/koreo-params.mjs does without --param.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

export interface DeployedSettings {
  readonly workVisibilitySeconds: number;
  readonly timerVisibilitySeconds: number;
  readonly reconcileTimeoutSeconds: number;
  readonly timerTimeoutSeconds: number;
  /** KOREO_RECONCILE_TIMEOUT_SECONDS of the reconcile function (CTL-13 budget). */
  readonly reconcileBudgetSeconds: number;
  readonly batchSize: number;
  readonly maxReceiveCount: number;
}

type Tree = { readonly [key: string]: unknown };

function at(tree: unknown, path: readonly string[]): unknown {
  let node = tree;
  for (const key of path) node = typeof node === "object" && node !== null ? (node as Tree)[key] : undefined;
  return node;
}

export function deployedSettings(): DeployedSettings {
  const file = fileURLToPath(new URL("../../../serverless.yml", import.meta.url));
  // CloudFormation's short tags (!Ref, !GetAtt …) are not YAML core tags: parse them as plain values, quietly.
  const doc: unknown = parse(readFileSync(file, "utf8"), { logLevel: "error" });
  const number = (path: readonly string[]): number => {
    let value = at(doc, path);
    const param = typeof value === "string" ? /^\$\{koreo:(\w+)\}$/.exec(value)?.[1] : undefined;
    if (param !== undefined) value = at(doc, ["params", "default", param]);
    const n = Number(value);
    if (!Number.isFinite(n)) throw new Error(`serverless.yml ${path.join(".")}: not a number (${String(value)})`);
    return n;
  };
  return {
    workVisibilitySeconds: number(["resources", "Resources", "WorkQueue", "Properties", "VisibilityTimeout"]),
    timerVisibilitySeconds: number(["resources", "Resources", "TimerQueue", "Properties", "VisibilityTimeout"]),
    reconcileTimeoutSeconds: number(["functions", "reconcile", "timeout"]),
    timerTimeoutSeconds: number(["functions", "timer", "timeout"]),
    reconcileBudgetSeconds: number(["functions", "reconcile", "environment", "KOREO_RECONCILE_TIMEOUT_SECONDS"]),
    batchSize: number(["params", "default", "batchSize"]),
    maxReceiveCount: number(["params", "default", "maxReceiveCount"]),
  };
}
