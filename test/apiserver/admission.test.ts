/**
 * Validating admission webhooks in the embedded API server, driven by kubectl over HTTPS:
 * a stored ValidatingWebhookConfiguration makes matching writes wait for a webhook's
 * AdmissionReview verdict (denial message, warnings, failurePolicy, timeoutSeconds); writes
 * its rules do not match are never sent. The webhook here is a small recording HTTP server.
 */
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { harness, kubectl, type Harness, type Kubectl } from "../support/apiserver.ts";

type Review = {
  request: { uid: string; operation: string; name: string; namespace?: string; dryRun: boolean; object: { data?: Record<string, string> }; oldObject: unknown };
};
type Answer = (review: Review) => { allowed: boolean; message?: string; warnings?: string[] } | "hang";

interface FakeWebhook {
  readonly url: string;
  readonly reviews: Review[];
  answer: Answer;
  close(): Promise<void>;
}

/** A webhook that records every review and answers as `answer` says ("hang": never). */
async function fakeWebhook(): Promise<FakeWebhook> {
  const reviews: Review[] = [];
  const hung: ServerResponse[] = [];
  const state: { answer: Answer } = { answer: () => ({ allowed: true }) };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = "";
    req.on("data", (d: Buffer) => (text += d.toString()));
    req.on("end", () => {
      const review = JSON.parse(text) as Review;
      reviews.push(review);
      const verdict = state.answer(review);
      if (verdict === "hang") return void hung.push(res);
      const status = verdict.message === undefined ? {} : { status: { code: 403, message: verdict.message } };
      const response = { uid: review.request.uid, allowed: verdict.allowed, ...status, ...(verdict.warnings ? { warnings: verdict.warnings } : {}) };
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", response }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/validate`,
    reviews,
    get answer() {
      return state.answer;
    },
    set answer(a: Answer) {
      state.answer = a;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hung) res.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function configuration(name: string, clientConfig: object, extra: object = {}): string {
  return JSON.stringify({
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "ValidatingWebhookConfiguration",
    metadata: { name },
    webhooks: [
      {
        name: `${name}.example.com`,
        clientConfig,
        rules: [{ apiGroups: [""], apiVersions: ["v1"], resources: ["configmaps"], operations: ["CREATE", "UPDATE"] }],
        sideEffects: "None",
        admissionReviewVersions: ["v1"],
        timeoutSeconds: 2,
        ...extra,
      },
    ],
  });
}

const configMap = (name: string, data: Record<string, string>, namespace = "default"): string =>
  JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace }, data });

let h: Harness;
let k: Kubectl;
let hook: FakeWebhook;

before(async () => {
  h = await harness({ tls: true });
  k = kubectl(h);
  hook = await fakeWebhook();
});
after(async () => {
  await hook?.close();
  await h?.close();
});

async function register(name: string, clientConfig: object, extra: object = {}): Promise<void> {
  const applied = await k.run(["apply", "-f", "-"], configuration(name, clientConfig, extra));
  assert.equal(applied.code, 0, applied.stderr);
}

async function unregister(name: string): Promise<void> {
  const deleted = await k.run(["delete", "validatingwebhookconfiguration", name]);
  assert.equal(deleted.code, 0, deleted.stderr);
}

test("ValidatingWebhookConfiguration is served like the other built-ins", async () => {
  await register("stored", { url: hook.url });
  const got = await k.run(["get", "validatingwebhookconfigurations", "stored", "-o", "jsonpath={.webhooks[0].clientConfig.url}"]);
  assert.equal(got.code, 0, got.stderr);
  assert.equal(got.stdout, hook.url);
  const table = await k.run(["get", "validatingwebhookconfigurations"]);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /^NAME\s/);
  assert.match(table.stdout, /stored/);
  await unregister("stored");
});

test("a denial refuses create and update with the webhook's message; warnings reach kubectl; other kinds are not sent", async () => {
  await register("deny-red", { url: hook.url });
  hook.answer = (r) =>
    r.request.object.data?.["color"] === "red"
      ? { allowed: false, message: "data.color: red is not allowed" }
      : { allowed: true, warnings: ["color is not red: fine"] };
  const before = hook.reviews.length;

  const refused = await k.run(["apply", "-f", "-"], configMap("paint", { color: "red" }));
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /admission webhook "deny-red.example.com" denied the request: data.color: red is not allowed/);
  assert.equal((await k.run(["get", "configmap", "paint"])).code, 1, "the refused object was not stored");

  const admitted = await k.run(["apply", "-f", "-"], configMap("paint", { color: "blue" }));
  assert.equal(admitted.code, 0, admitted.stderr);
  assert.match(admitted.stderr, /Warning: color is not red: fine/);
  const update = await k.run(["apply", "-f", "-"], configMap("paint", { color: "red" }));
  assert.notEqual(update.code, 0, "an update is reviewed too");
  const last = hook.reviews.at(-1)!;
  assert.equal(last.request.operation, "UPDATE");
  assert.notEqual(last.request.oldObject, null, "an UPDATE carries the stored object");

  const secret = await k.run(["create", "secret", "generic", "s1", "--from-literal=a=b", "-o", "name"]);
  assert.equal(secret.code, 0, secret.stderr);
  assert.ok(
    hook.reviews.slice(before).every((r) => r.request.name === "paint"),
    "a Secret is not sent to a configmaps webhook",
  );
  await unregister("deny-red");
});

test("dry-run writes are validated too, and say so in the review", async () => {
  await register("dry", { url: hook.url });
  hook.answer = () => ({ allowed: false, message: "no" });
  const refused = await k.run(["apply", "--dry-run=server", "-f", "-"], configMap("dry-one", { a: "b" }));
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /denied the request: no/);
  assert.equal(hook.reviews.at(-1)!.request.dryRun, true);
  await unregister("dry");
});

test("namespaceSelector and rules narrow which writes are reviewed", async () => {
  await k.run(["create", "namespace", "guarded"]);
  await k.run(["label", "namespace", "guarded", "koreo.dev/admission=enabled"]);
  await register("selective", { url: hook.url }, { namespaceSelector: { matchLabels: { "koreo.dev/admission": "enabled" } } });
  hook.answer = () => ({ allowed: false, message: "guarded" });
  const outside = await k.run(["apply", "-f", "-"], configMap("free", { a: "b" }));
  assert.equal(outside.code, 0, outside.stderr);
  const inside = await k.run(["apply", "-f", "-"], configMap("held", { a: "b" }, "guarded"));
  assert.notEqual(inside.code, 0);
  assert.match(inside.stderr, /denied the request: guarded/);
  await unregister("selective");
});

test("webhook down: failurePolicy Fail refuses the write, Ignore lets it through", async () => {
  const down = { url: "http://127.0.0.1:1/validate" };
  await register("down-fail", down, { failurePolicy: "Fail" });
  const refused = await k.run(["apply", "-f", "-"], configMap("while-down", { a: "b" }));
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /Internal error occurred: failed calling webhook "down-fail.example.com"/);
  await unregister("down-fail");

  await register("down-ignore", down, { failurePolicy: "Ignore" });
  const admitted = await k.run(["apply", "-f", "-"], configMap("while-down", { a: "b" }));
  assert.equal(admitted.code, 0, admitted.stderr);
  await unregister("down-ignore");
});

test("a service reference this server cannot reach is a failed call", async () => {
  await register("in-cluster", { service: { namespace: "koreo", name: "webhook", path: "/admission" } });
  const refused = await k.run(["apply", "-f", "-"], configMap("via-service", { a: "b" }));
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /service koreo\/webhook cannot be reached/);
  await unregister("in-cluster");
});

test("timeoutSeconds bounds a webhook that never answers (Fail refuses, Ignore admits)", async () => {
  hook.answer = () => "hang";
  await register("slow", { url: hook.url }, { timeoutSeconds: 1, failurePolicy: "Fail" });
  const refused = await k.run(["apply", "-f", "-"], configMap("slow-one", { a: "b" }));
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /failed calling webhook "slow.example.com".*timeout after 1s/);
  await unregister("slow");
  await register("slow", { url: hook.url }, { timeoutSeconds: 1, failurePolicy: "Ignore" });
  const admitted = await k.run(["apply", "-f", "-"], configMap("slow-one", { a: "b" }));
  assert.equal(admitted.code, 0, admitted.stderr);
  await unregister("slow");
});

test("a reply for another request (uid) is not a verdict", async () => {
  hook.answer = () => ({ allowed: true });
  const wrongUid = await fakeWebhook();
  // The recording server echoes the uid; this one answers for a uid of its own.
  wrongUid.answer = (r) => {
    r.request.uid = "someone-else";
    return { allowed: true };
  };
  await register("liar", { url: wrongUid.url });
  const refused = await k.run(["apply", "-f", "-"], configMap("lied-to", { a: "b" }));
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /expected response.uid/);
  await unregister("liar");
  await wrongUid.close();
});
