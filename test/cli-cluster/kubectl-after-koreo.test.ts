/**
 * `kubectl apply -f` on custom resources `koreo apply` created (server-side, field
 * manager koreo), over HTTPS. The first run adds kubectl's last-applied annotation
 * and warns that it was missing (kubectl's own warning, as on any cluster); from
 * then on an unchanged file is `unchanged`, with nothing on stderr.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { harness, kubectl } from "../support/apiserver.ts";
import { FIXTURES, runKoreo } from "../support/cli-cluster.ts";

test("kubectl apply twice after koreo apply: configured once, then unchanged without warnings", { timeout: 120_000 }, async () => {
  const h = await harness({ tls: true });
  try {
    const config = join(h.dir, "koreo-kubeconfig");
    h.server.writeKubeconfig(config, "default");
    const env = { KUBECONFIG: config };
    assert.equal((await runKoreo(["apply", "--include-crds", "infra/crds"], env)).code, 0);
    const koreo = await runKoreo(["apply", "-n", "default", join(FIXTURES, "program", "functions.k.yaml")], env);
    assert.equal(koreo.code, 0, koreo.stderr);

    const k = kubectl(h);
    const file = join(FIXTURES, "program", "functions.k.yaml");
    const first = await k.run(["apply", "-n", "default", "-f", file]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /valuefunction.koreo.dev\/greeting configured/);
    for (let i = 0; i < 2; i++) {
      const again = await k.run(["apply", "-n", "default", "-f", file]);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /valuefunction.koreo.dev\/greeting unchanged/);
      assert.match(again.stdout, /resourcefunction.koreo.dev\/greeting-config-map unchanged/);
      assert.equal(again.stderr, "");
    }
  } finally {
    await h.close();
  }
});
