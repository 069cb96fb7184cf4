/** Defaulting and allocation a real control plane does: Service addresses, Service and Deployment defaults, Namespace phase. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { stringify } from "yaml";
import { harness, kubectl, type Harness } from "../support/apiserver.ts";

const SERVICES = "/api/v1/namespaces/default/services";

const service = (name: string, spec: object = {}): object => ({ metadata: { name }, spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec } });

/** 10.96.0.0/12 spans 10.96.0.0–10.111.255.255. */
function inServiceCidr(ip: string): boolean {
  const [a, b] = ip.split(".").map(Number);
  return a === 10 && b !== undefined && b >= 96 && b <= 111;
}

async function create(h: Harness, name: string, spec: object = {}) {
  return h.req("POST", SERVICES, service(name, spec));
}

test("Service: type, ports and a unique ClusterIP from 10.96.0.0/12 are defaulted", async () => {
  const h = await harness();
  try {
    const ips = new Set<string>();
    for (const name of ["a", "b", "c", "d", "e"]) {
      const r = await create(h, name);
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const spec = r.body.spec;
      assert.ok(inServiceCidr(spec.clusterIP), spec.clusterIP);
      assert.deepEqual(spec.clusterIPs, [spec.clusterIP]);
      ips.add(spec.clusterIP);
      assert.equal(spec.type, "ClusterIP");
      assert.equal(spec.sessionAffinity, "None");
      assert.deepEqual(spec.ports, [{ port: 80, protocol: "TCP", targetPort: 80 }]);
    }
    assert.equal(ips.size, 5, "every Service gets its own address");
    const got = await h.req("GET", `${SERVICES}/a`);
    assert.ok(inServiceCidr(got.body.spec.clusterIP));
    assert.deepEqual(got.body.status, { loadBalancer: {} });
  } finally {
    await h.close();
  }
});

test("Service: headless keeps None, ExternalName gets no address, NodePort gets node ports", async () => {
  const h = await harness();
  try {
    const headless = await create(h, "headless", { clusterIP: "None" });
    assert.equal(headless.body.spec.clusterIP, "None");
    assert.deepEqual(headless.body.spec.clusterIPs, ["None"]);
    const external = await h.req("POST", SERVICES, { metadata: { name: "ext" }, spec: { type: "ExternalName", externalName: "example.com" } });
    assert.equal(external.status, 201);
    assert.equal(external.body.spec.clusterIP, undefined);
    const np = await create(h, "np", { type: "NodePort", ports: [{ port: 80, targetPort: "http" }] });
    const port = np.body.spec.ports[0];
    assert.equal(port.targetPort, "http", "a named targetPort is kept");
    assert.ok(port.nodePort >= 30000 && port.nodePort <= 32767, String(port.nodePort));
    assert.ok(inServiceCidr(np.body.spec.clusterIP));
    const taken = await create(h, "np2", { type: "NodePort", ports: [{ port: 80, nodePort: port.nodePort }] });
    assert.equal(taken.status, 422);
    const flipped = await h.req("PATCH", `${SERVICES}/np`, { spec: { type: "ExternalName", externalName: "example.com" } }, "application/merge-patch+json");
    assert.equal(flipped.status, 200, JSON.stringify(flipped.body));
    assert.equal(flipped.body.spec.clusterIP, undefined, "an ExternalName Service gives its address back");
    assert.equal((await create(h, "reuse", { clusterIP: np.body.spec.clusterIP })).status, 201);
  } finally {
    await h.close();
  }
});

test("Service: a requested ClusterIP must be free and in range; deleting a Service releases its address", async () => {
  const h = await harness();
  try {
    const first = await create(h, "first", { clusterIP: "10.96.0.50" });
    assert.equal(first.status, 201);
    assert.equal(first.body.spec.clusterIP, "10.96.0.50");
    const clash = await create(h, "second", { clusterIP: "10.96.0.50" });
    assert.equal(clash.status, 422);
    assert.match(clash.body.message, /provided IP is already allocated/);
    const outside = await create(h, "outside", { clusterIP: "192.168.0.1" });
    assert.equal(outside.status, 422);
    assert.match(outside.body.message, /not in the valid range/);
    assert.equal((await h.req("DELETE", `${SERVICES}/first`)).status, 200);
    const reused = await create(h, "second", { clusterIP: "10.96.0.50" });
    assert.equal(reused.status, 201, "the address is free again");
  } finally {
    await h.close();
  }
});

test("Service: the ClusterIP survives updates that omit it and cannot be changed", async () => {
  const h = await harness();
  try {
    const created = await create(h, "web");
    const ip = created.body.spec.clusterIP;
    const put = await h.req("PUT", `${SERVICES}/web`, { metadata: { name: "web" }, spec: { selector: { app: "web" }, ports: [{ port: 81 }] } });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.equal(put.body.spec.clusterIP, ip);
    assert.equal(put.body.spec.ports[0].targetPort, 81);
    const changed = await h.req("PATCH", `${SERVICES}/web`, { spec: { clusterIP: "10.96.0.77" } }, "application/merge-patch+json");
    assert.equal(changed.status, 422);
    const dry = await h.req("POST", `${SERVICES}?dryRun=All`, service("dry"));
    assert.equal(dry.status, 201);
    assert.ok(inServiceCidr(dry.body.spec.clusterIP), "a dry run shows an address");
    assert.equal((await h.req("GET", `${SERVICES}/dry`)).status, 404);
  } finally {
    await h.close();
  }
});

test("Deployment: strategy, revisionHistoryLimit, progressDeadlineSeconds and replicas are defaulted", async () => {
  const h = await harness();
  try {
    const r = await h.req("POST", "/apis/apps/v1/namespaces/default/deployments", {
      metadata: { name: "web" },
      spec: {
        selector: { matchLabels: { app: "web" } },
        template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "app", image: "nginx:1.27" }] } },
      },
    });
    assert.equal(r.status, 201);
    const spec = r.body.spec;
    assert.deepEqual(spec.strategy, { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" } });
    assert.equal(spec.revisionHistoryLimit, 10);
    assert.equal(spec.progressDeadlineSeconds, 600);
    assert.equal(spec.replicas, 1);
    assert.equal(spec.template.spec.restartPolicy, "Always");
    assert.equal(spec.template.spec.containers[0].imagePullPolicy, "IfNotPresent");
    const recreate = await h.req("POST", "/apis/apps/v1/namespaces/default/deployments", {
      metadata: { name: "r" },
      spec: { strategy: { type: "Recreate" }, template: { spec: { containers: [] } } },
    });
    assert.deepEqual(recreate.body.spec.strategy, { type: "Recreate" }, "Recreate gets no rollingUpdate");
  } finally {
    await h.close();
  }
});

test("Namespace: status.phase is Active", async () => {
  const h = await harness();
  try {
    const r = await h.req("POST", "/api/v1/namespaces", { metadata: { name: "team-a" } });
    assert.equal(r.body.status.phase, "Active");
  } finally {
    await h.close();
  }
});

test("kubectl: an applied Service reads back its ClusterIP; re-applying Service and Deployment is unchanged and quiet", { timeout: 120_000 }, async () => {
  const h = await harness();
  try {
    const k = kubectl(h);
    const deployment = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web" },
      spec: {
        selector: { matchLabels: { app: "web" } },
        template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "app", image: "nginx:1.27" }] } },
      },
    };
    const file = k.file("web.yaml", `${stringify({ apiVersion: "v1", kind: "Service", ...service("web") })}---\n${stringify(deployment)}`);
    const first = await k.run(["apply", "-f", file]);
    assert.equal(first.code, 0, first.stderr);
    const ip = await k.run(["get", "service", "web", "-o", "jsonpath={.spec.clusterIP}"]);
    assert.ok(inServiceCidr(ip.stdout), ip.stdout);
    const again = await k.run(["apply", "-f", file]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /service\/web unchanged/);
    assert.match(again.stdout, /deployment.apps\/web unchanged/);
    assert.equal(again.stderr, "", "no warnings");
    const strategy = await k.run([
      "get",
      "deployment",
      "web",
      "-o",
      "jsonpath={.spec.strategy.type} {.spec.revisionHistoryLimit} {.spec.progressDeadlineSeconds}",
    ]);
    assert.equal(strategy.stdout, "RollingUpdate 10 600");
  } finally {
    await h.close();
  }
});
