import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";

function render(...args: string[]) {
  const r = spawnSync(
    process.execPath,
    [
      "bin/koreo.mjs",
      "render",
      "examples/crds",
      "examples/functions",
      "examples/workflow/webapp.k.yaml",
      "--trigger",
      "examples/workflow/shop.webapp.yaml",
      ...args,
    ],
    { encoding: "utf8" },
  );
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Pass {
  outcome: string;
  nextDueSeconds: number | null;
  trigger: { status: { conditions: Array<{ type: string; reason: string; message: string }>; state: Record<string, unknown> } };
  objects: Array<{ kind: string; metadata: { name: string } }>;
}

test("WF-11 WF-27 ST-1 koreo render converges the example: Deployment, ConfigMap, Service and a Ready parent", () => {
  const r = render("--cluster", "examples/workflow/cluster/team-a.yaml", "--output", "json");
  assert.equal(r.status, 0, r.stderr);
  const { passes } = JSON.parse(r.stdout) as { passes: Pass[] };
  assert.deepEqual(
    passes.map((p) => p.outcome),
    ["Retry", "Retry", "Ok"],
  );
  assert.deepEqual(passes.flatMap((p) => p.objects.map((o) => o.kind)).sort(), ["ConfigMap", "Deployment", "Service"]);
  const last = passes.at(-1)!;
  assert.equal(last.nextDueSeconds, 1200);
  assert.deepEqual(
    last.trigger.status.conditions.map((c) => [c.type, c.reason]),
    [
      ["Configured", "Ready"],
      ["SettingsReady", "Ready"],
      ["DeploymentReady", "Ready"],
      ["ServiceReady", "Ready"],
      ["Ready", "Ready"],
    ],
  );
  assert.deepEqual(last.trigger.status.state, { settingsConfigMap: "shop-settings", availableReplicas: 2, url: "http://shop.team-a.svc.cluster.local" });
});

test("ST-2 koreo render --passes: a pass after convergence changes nothing", () => {
  const r = render("--cluster", "examples/workflow/cluster/team-a.yaml", "--output", "json", "--passes", "4");
  const { passes } = JSON.parse(r.stdout) as { passes: Pass[] };
  assert.equal(passes.length, 4);
  assert.equal(passes[3]?.outcome, "Ok");
  assert.deepEqual(passes[3]?.objects, []);
});

test("CTL-14 koreo render without an available Deployment keeps waiting and exits 1; YAML output by default", () => {
  const r = render("--passes", "2");
  assert.equal(r.status, 1);
  assert.match(r.stdout, /^# pass 1: Retry: Creating ConfigMap:team-a:shop-settings\., Creating Deployment:team-a:shop\.; next reconcile in \d+s$/m);
  assert.match(r.stdout, /Waiting for an available replica/);
});

test("koreo render without --trigger is a usage error", () => {
  const r = spawnSync(process.execPath, ["bin/koreo.mjs", "render", "examples/functions"], { encoding: "utf8" });
  assert.equal(r.status, 2);
});
