/** Hostile input gets a Status error and the server keeps serving. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { harness } from "../support/apiserver.ts";

const CMS = "/api/v1/namespaces/default/configmaps";

test("oversized, malformed and alias-bomb bodies and unknown paths get Status errors", { timeout: 60_000 }, async () => {
  const h = await harness({ maxBodyBytes: 64 * 1024 });
  try {
    const big = await h.req("POST", CMS, { metadata: { name: "big" }, data: { x: "y".repeat(100 * 1024) } });
    assert.equal(big.status, 413);
    assert.equal(big.body.reason, "RequestEntityTooLarge");

    const malformed = await h.req("POST", CMS, '{"metadata": {"name": ');
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.kind, "Status");
    assert.equal(malformed.body.reason, "BadRequest");

    // "Billion laughs": each anchor references the previous one nine times.
    const names = "abcdefghi".split("");
    const lol = names
      .map((n, i) =>
        i === 0
          ? `${n}: &${n} [x, x, x, x, x, x, x, x, x]`
          : `${n}: &${n} [${Array(9)
              .fill(`*${names[i - 1]}`)
              .join(", ")}]`,
      )
      .join("\n");
    const bomb = await h.req(
      "PATCH",
      `${CMS}/bomb?fieldManager=evil`,
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\n${lol}\n`,
      "application/apply-patch+yaml",
    );
    assert.equal(bomb.status, 400);
    assert.equal(bomb.body.reason, "BadRequest");

    for (const path of [
      "/nope",
      "/api/v2",
      "/apis/example.com/v1/foos",
      "/api/v1/namespaces/default/widgets/x",
      "/api/v1/namespaces/default/configmaps/a/b/c",
    ]) {
      const r = await h.req("GET", path);
      assert.equal(r.status, 404, path);
      assert.equal(r.body.kind, "Status");
      assert.equal(r.body.reason, "NotFound");
    }
    const media = await h.req("POST", CMS, "\x00\x01", "application/cbor");
    assert.equal(media.status, 415);
    const garbage = await h.req("POST", CMS, "\x00\x01", "application/vnd.kubernetes.protobuf");
    assert.equal(garbage.status, 400);
    const method = await h.req("POST", `${CMS}/x`, { metadata: { name: "x" } });
    assert.equal(method.status, 405);

    const stillFine = await h.req("POST", CMS, { metadata: { name: "fine" } });
    assert.equal(stillFine.status, 201);
  } finally {
    await h.close();
  }
});
