/**
 * Issue 13's acceptance, as a new user meets `npm start`: `koreo start` runs as a subprocess (its own
 * temporary data dir and kubeconfig, free ports, the default namespaces), the user's own program
 * — the Koreo authors' hello-workload, which creates a Deployment and a Service — goes in with
 * `koreo apply` (a subprocess) into `default`, its CRD (with printer columns, as a user writes
 * one) and a trigger in `demo` with kubectl. Everything over real HTTPS with the local CA the
 * kubeconfig trusts. `--time-scale 10` only shortens the program's 30 s create delays.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse, stringify } from "yaml";
import { kubectlPath } from "../support/apiserver.ts";
import { waitFor } from "../support/e2e.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const PUBLISHED = join(REPO, "test/fixtures/published/examples");
/** The program as its authors publish it: the Workflow and ResourceFunctions, and the template and ValueFunction they use. */
const PROGRAM = [join(PUBLISHED, "kubernetes/hello-workload"), join(PUBLISHED, "hello-workload")];
const TRIGGER = join(PUBLISHED, "kubernetes/hello-workload/workload.yaml");

const dir = mkdtempSync(join(tmpdir(), "koreo-npm-start-"));
const kubeconfig = join(dir, ".koreo/kubeconfig");
let start: ChildProcess;
let stdout = "";

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A command as a subprocess, with the kubeconfig `koreo start` wrote; killed after 60 s. */
function run(command: string, args: readonly string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: dir, env: { ...process.env, KUBECONFIG: kubeconfig }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout: out, stderr: err });
    });
  });
}

const koreoBin = join(REPO, "bin/koreo.mjs");
const koreo = (...args: string[]) => run(process.execPath, [koreoBin, ...args]);
const kubectl = (...args: string[]) => run(kubectlPath(), ["--cache-dir", join(dir, "kube-cache"), ...args]);

async function ok(result: Promise<Run>, what: string): Promise<string> {
  const done = await result;
  assert.equal(done.code, 0, `${what}: ${done.stderr}${done.stdout}`);
  return done.stdout;
}

/** The published CRD with what a user adds to read it at a glance: printer columns and the status subresource. */
function userCrd(): string {
  const crd = parse(readFileSync(join(PUBLISHED, "hello-workload/workload-crd.yaml"), "utf8"));
  crd.spec.versions[0].subresources = { status: {} };
  crd.spec.versions[0].additionalPrinterColumns = [
    { name: "Environment", type: "string", jsonPath: ".spec.environment" },
    { name: "Ready", type: "string", jsonPath: '.status.conditions[?(@.type=="Ready")].reason' },
    { name: "Service IP", type: "string", jsonPath: ".status.state.service.clusterIP" },
    { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
  ];
  const path = join(dir, "workload-crd.yaml");
  writeFileSync(path, stringify(crd));
  return path;
}

/** The live log's reconcile lines for one trigger (`time  Kind:ns/name  workflow  outcome  duration  why`). */
const linesOf = (trigger: string) => stdout.split("\n").filter((line) => line.split(/\s+/)[1] === trigger);

before(async () => {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // The defaults a new user gets: no AWS namespace settings, no KUBECONFIG of their own.
  for (const name of ["KOREO_NAMESPACE", "RESOURCE_NAMESPACE", "TEMPLATE_NAMESPACE", "KUBECONFIG"]) delete env[name];
  const args = [koreoBin, "start", "--data-dir", join(dir, "data"), "--webhook-port", "0", "--api-port", "0", "--time-scale", "10"];
  start = spawn(process.execPath, args, { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
  start.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
  await waitFor("koreo start's banner", () => /^time\s+trigger/m.test(stdout) || undefined, 120_000);
});

after(async () => {
  if (start !== undefined && start.exitCode === null) {
    start.kill("SIGKILL");
    await new Promise((resolve) => start.once("close", resolve));
  }
  rmSync(dir, { recursive: true, force: true });
});

test("the banner: the kubeconfig it wrote, the API server over HTTPS, the webhook and its token, every namespace", () => {
  assert.match(stdout, /API server\s+https:\/\/127\.0\.0\.1:\d+\s+export KUBECONFIG=(\S+)/);
  assert.equal(/export KUBECONFIG=(\S+)/.exec(stdout)?.[1], kubeconfig);
  assert.match(stdout, /webhook\s+http:\/\/127\.0\.0\.1:\d+/);
  assert.match(stdout, /token\s+[0-9a-f]{32}\n/);
  assert.match(stdout, /definitions\s+all namespaces/);
  assert.match(stdout, /triggers\s+all namespaces/);
});

test("a user's program in `default`, its trigger in `demo`: converges, readable with kubectl, its passes explained", async () => {
  await ok(kubectl("create", "namespace", "demo"), "kubectl create namespace");
  const applied = await ok(koreo("apply", ...PROGRAM), "koreo apply");
  assert.match(applied, /created Workflow\/default\/hello-workload/);
  await ok(kubectl("apply", "-f", userCrd()), "kubectl apply the CRD");
  await ok(kubectl("apply", "-n", "demo", "-f", TRIGGER), "kubectl apply the trigger");

  const readyReason = () => kubectl("get", "workload", "my-app", "-n", "demo", "-o", 'jsonpath={.status.conditions[?(@.type=="Ready")].reason}');
  await waitFor("my-app's Ready condition", async () => ((await readyReason()).stdout === "Ready" ? true : undefined), 60_000);

  const table = (await ok(kubectl("get", "workloads", "-n", "demo"), "kubectl get workloads")).trim().split("\n");
  assert.deepEqual(table[0]?.split(/\s{2,}/), ["NAME", "ENVIRONMENT", "READY", "SERVICE IP", "AGE"]);
  assert.match(table[1] ?? "", /^my-app\s+prod\s+Ready\s+\d+\.\d+\.\d+\.\d+\s+\S+$/);

  // The program's Deployment (3 replicas in prod): the simulated controller reports the rollout done.
  await ok(kubectl("rollout", "status", "deployment/my-app-deployment", "-n", "default", "--timeout=60s"), "kubectl rollout status");
  const deploy = await ok(kubectl("get", "deploy", "my-app-deployment", "-n", "default", "--no-headers"), "kubectl get deploy");
  assert.deepEqual(deploy.trim().split(/\s+/).slice(0, 4), ["my-app-deployment", "3/3", "3", "3"]);

  const describe = await ok(kubectl("describe", "workload", "my-app", "-n", "demo"), "kubectl describe");
  assert.match(describe, /Message:\s+Workflow hello-workload ready\./);
  // kubectl describe asks for the trigger's Events by involvedObject field selectors.
  assert.match(describe, /^Events:[\s\S]*Normal\s+Ready\s.*Workflow hello-workload ready\./m);
  // Each outcome change is an Event on the trigger: the create pass (Wait) and then Ready.
  const events = await ok(kubectl("get", "events", "-n", "demo"), "kubectl get events");
  assert.match(events, /Normal\s+Wait\s+workload\/my-app\s+\d+\s+Creating /);
  assert.match(events, /Normal\s+Ready\s+workload\/my-app\s+\d+\s+Workflow hello-workload ready\./);

  const lines = await waitFor("my-app's Ok line", () => {
    const found = linesOf("Workload:demo/my-app");
    return found.some((line) => / Ok /.test(line)) ? found : undefined;
  });
  const notOk = lines.filter((line) => !/ Ok /.test(line));
  const creating = /hello-workload\s+Retry\s+\d+ ms\s+step create_(deployment|service): Creating (Deployment|Service):default:my-app-/;
  assert.ok(
    notOk.some((line) => creating.test(line)),
    `the first pass creates and asks to come back: ${lines.join("\n")}`,
  );
  // Every other pass is a Retry that says why. A handler whose definitions were listed while `koreo apply`
  // was still creating them (each container re-lists within its TTL) retries with what it lacks (WF-7).
  for (const line of notOk) assert.match(line, /hello-workload\s+Retry\s+\d+ ms\s+\S/);
  for (const line of lines.filter((l) => / Ok /.test(l))) assert.doesNotMatch(line, /step /, "an Ok line says nothing more");
});

test("npm start registers the admission webhook: kubectl apply of a broken definition is refused with its field, a valid one admitted", async () => {
  const write = (name: string, expression: string) => {
    const path = join(dir, `${name}.yaml`);
    writeFileSync(
      path,
      `apiVersion: koreo.dev/v1beta1\nkind: ValueFunction\nmetadata:\n  name: ${name}\n  namespace: default\nspec:\n  return:\n    value: ${expression}\n`,
    );
    return path;
  };
  const broken = await kubectl("apply", "-f", write("admission-broken", '"=inputs.a +"'));
  assert.notEqual(broken.code, 0, "refused");
  assert.match(broken.stderr, /spec\.return\.value/, broken.stderr);
  await ok(kubectl("apply", "-f", write("admission-valid", '"=inputs.a + 1"')), "a valid ValueFunction is admitted");
});

test("Ctrl-C stops the stack cleanly (exit 0)", async () => {
  const closed = new Promise<number | null>((resolve) => start.once("close", resolve));
  start.kill("SIGINT");
  assert.equal(await closed, 0);
});
