/** `kubectl explain` over HTTPS: built-in kinds from their minimal schemas, custom resources from their CRD. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { stringify } from "yaml";
import { FOO_CRD, harness, kubectl } from "../support/apiserver.ts";

test("kubectl explain walks built-in and CRD schemas", { timeout: 120_000 }, async () => {
  const h = await harness({ tls: true });
  try {
    const k = kubectl(h);
    const explain = async (field: string): Promise<string> => {
      const r = await k.run(["explain", field]);
      assert.equal(r.code, 0, r.stderr);
      return r.stdout;
    };
    const spec = await explain("deployment.spec");
    assert.match(spec, /KIND:\s+Deployment/);
    assert.match(spec, /replicas\s+<integer>/);
    assert.match(spec, /selector\s+<Object> -required-/);
    assert.match(await explain("deployment.spec.strategy.rollingUpdate"), /maxSurge\s+<string>/);
    assert.match(await explain("pods.spec.containers"), /image\s+<string>/);
    assert.match(await explain("svc.spec.ports"), /targetPort\s+<string>/);
    assert.match(await explain("jobs.spec"), /backoffLimit\s+<integer>/);

    const withDescriptions = structuredClone(FOO_CRD);
    const fooSpec = withDescriptions.spec.versions[0]!.schema.openAPIV3Schema.properties.spec as Record<string, unknown>;
    fooSpec["description"] = "What a Foo should be.";
    assert.equal((await k.run(["apply", "-f", k.file("crd.yaml", stringify(withDescriptions))])).code, 0);
    const foo = await explain("foo.spec");
    assert.match(foo, /What a Foo should be\./);
    assert.match(foo, /size\s+<integer>/);
    assert.match(foo, /color\s+<string>/);
  } finally {
    await h.close();
  }
});
