/** @kubernetes/client-node 1.4.0 (KubernetesObjectApi, Watch) against the embedded server. */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as k8s from "@kubernetes/client-node";
import { FOO_CRD, harness } from "../support/apiserver.ts";

test("client-node KubernetesObjectApi CRUD, merge patch, server-side apply, watch", { timeout: 60_000 }, async () => {
  const h = await harness();
  const kc = new k8s.KubeConfig();
  kc.loadFromString(h.server.kubeconfig("default"));
  const api = k8s.KubernetesObjectApi.makeApiClient(kc);
  const events: string[] = [];
  let abort: AbortController | undefined;
  try {
    await api.create(FOO_CRD);
    const sawThird = new Promise<void>((resolve) => {
      void new k8s.Watch(kc)
        .watch(
          "/apis/example.com/v1/namespaces/default/foos",
          { allowWatchBookmarks: true },
          (type, obj: k8s.KubernetesObject) => {
            events.push(`${type}:${obj.metadata?.name}`);
            if (type === "DELETED") resolve();
          },
          () => {},
        )
        .then((c) => (abort = c));
    });
    while (abort === undefined) await new Promise((r) => setTimeout(r, 10));

    const created: k8s.KubernetesObject = await api.create({
      apiVersion: "example.com/v1",
      kind: "Foo",
      metadata: { name: "a", namespace: "default", labels: { app: "x" } },
      spec: { size: 1 },
    });
    assert.ok(created.metadata?.uid);
    const read = await api.read({ apiVersion: "example.com/v1", kind: "Foo", metadata: { name: "a", namespace: "default" } });
    assert.equal((read as { spec?: { size?: number } }).spec?.size, 1);
    const listed = await api.list("example.com/v1", "Foo", "default", undefined, undefined, undefined, undefined, "app=x");
    assert.equal(listed.items.length, 1);
    await api.patch(
      { apiVersion: "example.com/v1", kind: "Foo", metadata: { name: "a", namespace: "default" }, spec: { size: 2 } },
      undefined,
      undefined,
      undefined,
      undefined,
      k8s.PatchStrategy.MergePatch,
    );
    const applied: k8s.KubernetesObject = await api.patch(
      { apiVersion: "example.com/v1", kind: "Foo", metadata: { name: "b", namespace: "default" }, spec: { size: 5 } },
      undefined,
      undefined,
      "my-reconciler",
      true,
      k8s.PatchStrategy.ServerSideApply,
    );
    assert.equal(applied.metadata?.managedFields?.[0]?.manager, "my-reconciler");
    await assert.rejects(
      api.replace({ ...read, metadata: { ...read.metadata, resourceVersion: "1" } }),
      (e: unknown) => e instanceof k8s.ApiException && e.code === 409,
    );
    await assert.rejects(
      api.read({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "missing", namespace: "default" } }),
      (e: unknown) => e instanceof k8s.ApiException && e.code === 404,
    );
    await api.delete({ apiVersion: "example.com/v1", kind: "Foo", metadata: { name: "a", namespace: "default" } });
    await sawThird;
    assert.deepEqual(events, ["ADDED:a", "MODIFIED:a", "ADDED:b", "DELETED:a"]);
  } finally {
    abort?.abort();
    await h.close();
  }
});
