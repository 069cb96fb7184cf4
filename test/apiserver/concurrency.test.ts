/** Optimistic concurrency: racing read-modify-write updates never lose or double a write. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { harness } from "../support/apiserver.ts";

test("50 concurrent conflicting PUTs: each succeeds against the current version or gets 409", { timeout: 60_000 }, async () => {
  const h = await harness();
  try {
    const path = "/api/v1/namespaces/default/configmaps/counter";
    await h.req("POST", "/api/v1/namespaces/default/configmaps", { metadata: { name: "counter" }, data: { n: "0" } });
    const reads = await Promise.all(Array.from({ length: 50 }, () => h.req("GET", path)));
    const writes = await Promise.all(
      reads.map((r) => {
        const next = { ...r.body, data: { n: String(Number(r.body.data.n) + 1) } };
        return h.req("PUT", path, next);
      }),
    );
    const ok = writes.filter((w) => w.status === 200).length;
    const conflicts = writes.filter((w) => w.status === 409);
    assert.equal(ok + conflicts.length, 50);
    assert.ok(conflicts.every((c) => c.body.reason === "Conflict"));
    // Then keep retrying until every writer has landed exactly once.
    let successes = ok;
    for (let i = 0; i < 50 - ok; i++) {
      for (;;) {
        const cur = await h.req("GET", path);
        const put = await h.req("PUT", path, { ...cur.body, data: { n: String(Number(cur.body.data.n) + 1) } });
        if (put.status === 200) break;
        assert.equal(put.status, 409);
      }
      successes++;
    }
    const final = await h.req("GET", path);
    assert.equal(Number(final.body.data.n), successes);
    assert.equal(successes, 50);
  } finally {
    await h.close();
  }
});
