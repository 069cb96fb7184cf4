/**
 * `koreo plan` end to end: a program and 20 triggers of two kinds on the embedded API server,
 * `node bin/koreo.mjs plan …` spawned against it through a counting proxy, so the test sees
 * every request the command makes (reads only).
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadPaths } from "../../src/definitions/index.ts";
import { affectedWorkflows, overlay } from "../../src/operations/index.ts";
import { loadProgram } from "../../src/program/index.ts";
import { silentLogger, systemClock } from "../../src/ports/index.ts";
import { reconcileTrigger } from "../../src/workflow/index.ts";
import { clusterHarness, FIXTURES, lines, runKoreo, type CliRun, type ClusterHarness } from "../support/cli-cluster.ts";

const PLAN = join(FIXTURES, "plan");
const NS = "plan-ns";
const NAMES = (prefix: string) => Array.from({ length: 10 }, (_, i) => `${prefix}-${i}`);

interface Proxy {
  readonly url: string;
  readonly methods: string[];
  close(): Promise<void>;
}

/** Forwards to the API server and keeps each request's method and path. */
async function countingProxy(target: string): Promise<Proxy> {
  const upstream = new URL(target);
  const methods: string[] = [];
  const server = http.createServer((req, res) => {
    methods.push(`${req.method ?? ""} ${req.url ?? ""}`);
    const out = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    methods,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

let h: ClusterHarness;
let proxy: Proxy | undefined;
let proxiedKubeconfig: string;

function requests(): string[] {
  assert.ok(proxy !== undefined);
  return proxy.methods;
}

function plan(...args: string[]): Promise<CliRun> {
  return runKoreo(["plan", ...args], { KUBECONFIG: proxiedKubeconfig });
}

/**
 * The Alpha triggers as a running controller leaves them: the engine, in process, reconciles
 * each until Ok (the first pass creates its ConfigMap, the next one finds it as wanted).
 */
async function converge(names: readonly string[]): Promise<void> {
  const program = await loadProgram([join(PLAN, "program")]);
  const deps = { cluster: h.cluster, definitions: program.registry, clock: systemClock, logger: silentLogger };
  for (const name of names) {
    const ref = { apiVersion: "plan.koreo.test/v1", kind: "Alpha", namespace: NS, name };
    await reconcileTrigger(ref, deps);
    const settled = await reconcileTrigger(ref, deps);
    assert.equal(settled.outcome.kind, "Ok", JSON.stringify(settled.outcome));
  }
}

before(async () => {
  h = await clusterHarness();
  const crds = await h.koreo("apply", "--include-crds", "infra/crds", join(PLAN, "crds.yaml"));
  assert.equal(crds.code, 0, crds.stderr);
  const program = await h.koreo("apply", "-n", NS, "--create-namespaces", join(PLAN, "program"));
  assert.equal(program.code, 0, program.stderr);
  for (const [kind, prefix] of [
    ["Alpha", "alpha"],
    ["Beta", "beta"],
  ] as const) {
    for (const name of NAMES(prefix)) {
      const created = await h.cluster.create({ apiVersion: "plan.koreo.test/v1", kind, metadata: { name, namespace: NS }, spec: {} });
      assert.ok(created.ok, created.ok ? "" : created.error.message);
    }
  }
  await converge(NAMES("alpha"));
  proxy = await countingProxy(h.server.url);
  proxiedKubeconfig = join(h.dir, "proxied-kubeconfig");
  writeFileSync(proxiedKubeconfig, h.server.kubeconfig().replaceAll(h.server.url, proxy.url));
});

after(async () => {
  await proxy?.close();
  await h?.close();
});

test("plan names exactly the triggers of the Workflow reaching the changed ValueFunction, with the field diffs, and only reads", async () => {
  requests().length = 0;
  const run = await plan("-n", NS, join(PLAN, "changed"));
  assert.equal(run.code, 1, run.stderr);
  const out = lines(run.stdout);
  assert.equal(out[0], "Changed: ValueFunction/vf-alpha");
  assert.equal(out[1], "Workflows reaching a change: wf-alpha");
  const triggers = out.filter((l) => /^\S.*: \S+ .* → /.test(l));
  assert.deepEqual(
    triggers.map((l) => l.split(":")[0]),
    NAMES("alpha")
      .sort()
      .map((n) => `Alpha.plan.koreo.test/v1 ${NS}/${n}`),
  );
  assert.ok(!run.stdout.includes("Beta."), run.stdout);
  for (const name of NAMES("alpha")) {
    assert.ok(out.includes(`  + would now mergePatch ConfigMap.v1 ${NS}/${name}-greeting`), run.stdout);
    assert.ok(out.includes(`      data.greeting: "hello ${name}" → "hi ${name}"`), run.stdout);
  }
  assert.equal(out.at(-1), "10 trigger(s) affected, 20 object(s) changed, 10 outcome change(s)");
  assert.equal(run.stderr, "", "no progress line for 50 triggers or fewer off a terminal");
  const writes = requests().filter((m) => !m.startsWith("GET "));
  assert.deepEqual(writes, [], "plan must only read");
  assert.ok(requests().length > 0, "the plan went through the proxy");
});

test("plan --output json carries the same plan for tooling", async () => {
  const run = await plan("-n", NS, "-o", "json", join(PLAN, "changed"));
  assert.equal(run.code, 1, run.stderr);
  const parsed = JSON.parse(run.stdout) as { summary: { triggers: number; objectsChanged: number }; triggers: Array<{ writes: Array<{ fields: unknown[] }> }> };
  assert.equal(parsed.summary.triggers, 10);
  assert.equal(parsed.summary.objectsChanged, 20, "10 ConfigMaps and 10 trigger statuses");
  const fields = parsed.triggers[0]?.writes[0]?.fields ?? [];
  assert.deepEqual(fields[0], { path: "data.greeting", before: "hello alpha-0", after: "hi alpha-0" });
});

test("plan -A plans the triggers of every namespace; -n still places the documents that name none", async () => {
  const run = await plan("-A", "-n", NS, join(PLAN, "changed"));
  assert.equal(run.code, 1, run.stderr);
  assert.equal(lines(run.stdout).at(-1), "10 trigger(s) affected, 20 object(s) changed, 10 outcome change(s)");
  const shadowed = await plan("-A", join(PLAN, "changed"));
  assert.equal(shadowed.code, 0, shadowed.stdout);
  assert.match(shadowed.stderr, /ValueFunction\/vf-alpha in namespace default would not be used: the copy in plan-ns wins/);
});

test("plan lists the triggers a change would make fail first", async () => {
  const run = await plan("-n", NS, join(PLAN, "failing"));
  assert.equal(run.code, 1, run.stderr);
  const heads = lines(run.stdout).filter((l) => l.startsWith("Alpha.") || l.startsWith("FAIL "));
  assert.equal(heads[0], `FAIL Alpha.plan.koreo.test/v1 ${NS}/alpha-7: Ok (wf-alpha) → PermFail (wf-alpha)`);
  assert.equal(heads.length, 10);
  assert.ok(
    heads.slice(1).every((l) => l.startsWith("Alpha.")),
    run.stdout,
  );
  assert.match(run.stdout, /after: .*alpha-7 is not welcome/);
  assert.match(lines(run.stdout).at(-1) ?? "", /^10 trigger\(s\) affected, \d+ object\(s\) changed, 10 outcome change\(s\), 1 failing$/);
});

test("plan of the definitions already in the cluster changes nothing: exit 0", async () => {
  const run = await plan("-n", NS, join(PLAN, "same"));
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.equal(lines(run.stdout)[0], "No definition in PATH differs from the cluster's.");
  assert.equal(lines(run.stdout).at(-1), "0 trigger(s) affected, 0 object(s) changed, 0 outcome change(s)");
});

test("plan of a broken definition exits 2 naming the file, the position and the field", async () => {
  const run = await plan("-n", NS, join(PLAN, "broken"));
  assert.equal(run.code, 2, run.stdout);
  assert.equal(run.stdout, "");
  assert.match(run.stderr, /broken\/vf-alpha\.k\.yaml:8:15: error: ValueFunction\/vf-alpha: spec\.return\.greeting: Parsing error/);
  assert.match(run.stderr, /koreo plan: the definitions in PATH have errors; nothing was planned/);
});

test("plan usage errors exit 2", async () => {
  const none = await plan();
  assert.equal(none.code, 2);
  assert.match(none.stderr, /at least one PATH is required/);
  const output = await plan("-o", "yaml", join(PLAN, "changed"));
  assert.equal(output.code, 2);
  assert.match(output.stderr, /unknown output 'yaml'/);
});

test("plan follows sub-Workflows, constant resourceTemplateRefs, overlayRef ValueFunctions and refSwitch cases to a change (pure)", async () => {
  const reach = join(PLAN, "reach");
  const current = await loadPaths([join(reach, "current")]);
  const affected = async (file: string): Promise<string[]> => {
    const changed = await loadPaths([join(reach, "changed", file)]);
    return [...affectedWorkflows(overlay(current.definitions, changed.definitions, { namespaces: ["*"] }))].sort();
  };
  assert.deepEqual(await affected("template.k.yaml"), ["wf-sub", "wf-top"]);
  assert.deepEqual(await affected("overlay.k.yaml"), ["wf-overlay"]);
  assert.deepEqual(await affected("case.k.yaml"), ["wf-switch"]);
  const same = overlay(current.definitions, current.definitions, { namespaces: ["*"] });
  assert.deepEqual(same.changed, [], "files equal to the current definitions change nothing");
});
