/**
 * kubectl's imperative generators against the embedded server over HTTPS. They
 * send built-in kinds as application/vnd.kubernetes.protobuf (see
 * src/apiserver/protobuf/decode.ts), so each command here exercises the decoder.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { stringify } from "yaml";
import { FOO_CRD, harness, kubectl, type Harness, type Kubectl } from "../support/apiserver.ts";

describe("kubectl create/run/scale (protobuf bodies)", { timeout: 180_000 }, () => {
  let h: Harness;
  let k: Kubectl;
  before(async () => {
    h = await harness({ tls: true });
    k = kubectl(h);
  });
  after(() => h.close());

  const ok = async (args: string[], expected: RegExp): Promise<void> => {
    const r = await k.run(args);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, expected);
  };
  const get = async (path: string): Promise<ReturnType<typeof JSON.parse>> => {
    const r = await h.req("GET", path);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body;
  };

  test("create namespace", async () => {
    await ok(["create", "namespace", "demo"], /namespace\/demo created/);
    const ns = await get("/api/v1/namespaces/demo");
    assert.equal(ns.status.phase, "Active");
  });

  test("create configmap --from-literal", async () => {
    await ok(["create", "configmap", "x", "--from-literal=a=b"], /configmap\/x created/);
    assert.deepEqual((await get("/api/v1/namespaces/default/configmaps/x")).data, { a: "b" });
  });

  test("create secret generic --from-literal", async () => {
    await ok(["create", "secret", "generic", "s", "--from-literal=k=v"], /secret\/s created/);
    const s = await get("/api/v1/namespaces/default/secrets/s");
    assert.deepEqual(s.data, { k: Buffer.from("v").toString("base64") });
    assert.equal(s.type, "Opaque");
  });

  test("create serviceaccount", async () => {
    await ok(["create", "serviceaccount", "sa"], /serviceaccount\/sa created/);
    assert.equal((await get("/api/v1/namespaces/default/serviceaccounts/sa")).metadata.name, "sa");
  });

  test("create deployment --image, with --replicas=0 kept (a pointer field)", async () => {
    await ok(["create", "deployment", "d", "--image=nginx"], /deployment.apps\/d created/);
    const d = await get("/apis/apps/v1/namespaces/default/deployments/d");
    assert.deepEqual(d.spec.selector, { matchLabels: { app: "d" } });
    assert.equal(d.spec.template.spec.containers[0].image, "nginx");
    assert.equal(d.spec.replicas, 1);
    assert.equal(d.spec.strategy.type, "RollingUpdate");
    assert.equal(d.spec.revisionHistoryLimit, 10);
    assert.equal(d.spec.progressDeadlineSeconds, 600);
    await ok(["create", "deployment", "zero", "--image=nginx", "--replicas=0", "--port=8080"], /created/);
    const zero = await get("/apis/apps/v1/namespaces/default/deployments/zero");
    assert.equal(zero.spec.replicas, 0);
    assert.deepEqual(zero.spec.template.spec.containers[0].ports, [{ containerPort: 8080, protocol: "TCP" }]);
  });

  test("create service clusterip --tcp", async () => {
    await ok(["create", "service", "clusterip", "svc", "--tcp=80:8080"], /service\/svc created/);
    const svc = await get("/api/v1/namespaces/default/services/svc");
    assert.deepEqual(svc.spec.ports, [{ name: "80-8080", port: 80, protocol: "TCP", targetPort: 8080 }]);
    assert.deepEqual(svc.spec.selector, { app: "svc" });
    assert.match(svc.spec.clusterIP, /^10\./);
  });

  test("create job --image", async () => {
    await ok(["create", "job", "j", "--image=busybox", "--", "echo", "hi"], /job.batch\/j created/);
    const j = await get("/apis/batch/v1/namespaces/default/jobs/j");
    assert.deepEqual(j.spec.template.spec.containers[0].command, ["echo", "hi"]);
    assert.equal(j.spec.template.spec.restartPolicy, "Never");
    assert.equal(j.spec.template.metadata.labels["job-name"], "j");
    assert.equal(j.spec.backoffLimit, 6);
  });

  test("run creates a Pod; get pods prints the pod columns", async () => {
    await ok(["run", "p", "--image=nginx", "--labels=app=p", "--env=A=1"], /pod\/p created/);
    const core = await get("/api/v1");
    const pods = core.resources.find((r: { name: string }) => r.name === "pods");
    assert.deepEqual([pods.kind, pods.namespaced, pods.shortNames, pods.categories], ["Pod", true, ["po"], ["all"]]);
    const p = await get("/api/v1/namespaces/default/pods/p");
    assert.equal(p.spec.containers[0].image, "nginx");
    assert.deepEqual(p.spec.containers[0].env, [{ name: "A", value: "1" }]);
    assert.equal(p.status.phase, "Pending");
    const r = await k.run(["get", "pods"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\n/);
    assert.match(r.stdout, /\np\s+0\/1\s+Pending\s+0\s+\d+s\n/);
    const logs = await k.run(["logs", "p"]);
    assert.notEqual(logs.code, 0);
    assert.match(logs.stderr, /BadRequest.*runs no kubelet/);
  });

  test("scale deployment: PATCH and PUT of autoscaling/v1 Scale", async () => {
    await ok(["scale", "deployment", "d", "--replicas=3"], /deployment.apps\/d scaled/);
    assert.equal((await get("/apis/apps/v1/namespaces/default/deployments/d")).spec.replicas, 3);
    const scale = await get("/apis/apps/v1/namespaces/default/deployments/d/scale");
    assert.equal(scale.kind, "Scale");
    assert.equal(scale.apiVersion, "autoscaling/v1");
    assert.deepEqual(scale.spec, { replicas: 3 });
    assert.equal(scale.status.selector, "app=d");
    await ok(["scale", "deployment", "d", "--replicas=2", `--resource-version=${scale.metadata.resourceVersion}`], /scaled/);
    assert.equal((await get("/apis/apps/v1/namespaces/default/deployments/d")).spec.replicas, 2);
    // A whole Scale (PUT) carrying a stale resourceVersion conflicts, as on a real server.
    const stale = await h.req("PUT", "/apis/apps/v1/namespaces/default/deployments/d/scale", { ...scale, spec: { replicas: 5 } });
    assert.equal(stale.status, 409);
    const put = await h.req("PUT", "/apis/apps/v1/namespaces/default/deployments/d/scale", { spec: { replicas: 4 } });
    assert.equal(put.status, 200);
    assert.equal(put.body.spec.replicas, 4);
    const negative = await h.req("PUT", "/apis/apps/v1/namespaces/default/deployments/d/scale", { spec: { replicas: -1 } });
    assert.equal(negative.status, 422);
  });

  test("scale a custom resource whose CRD declares subresources.scale", async () => {
    const crd = structuredClone(FOO_CRD);
    const version = crd.spec.versions[0]! as { subresources: Record<string, object> };
    version.subresources["scale"] = { specReplicasPath: ".spec.size", statusReplicasPath: ".status.ready" };
    await ok(["apply", "-f", k.file("crd.yaml", stringify(crd))], /created/);
    await ok(
      ["apply", "-f", k.file("foo.yaml", stringify({ apiVersion: "example.com/v1", kind: "Foo", metadata: { name: "f" }, spec: { size: 1 } }))],
      /created/,
    );
    await ok(["scale", "foo", "f", "--replicas=4"], /foo.example.com\/f scaled/);
    assert.equal((await get("/apis/example.com/v1/namespaces/default/foos/f")).spec.size, 4);
    assert.deepEqual((await get("/apis/example.com/v1/namespaces/default/foos/f/scale")).status, { replicas: 0 });
  });

  test("get all lists deployments, services, pods and jobs", async () => {
    const r = await k.run(["get", "all"]);
    assert.equal(r.code, 0, r.stderr);
    for (const name of ["pod/p", "service/svc", "deployment.apps/d", "job.batch/j"]) assert.match(r.stdout, new RegExp(name.replace(".", "\\.")));
    assert.doesNotMatch(r.stdout, /configmap|secret|serviceaccount/);
  });
});
