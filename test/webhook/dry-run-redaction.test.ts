/**
 * Webhook dry-run over real HTTP (local stack: embedded API server, the webhook app): a Workflow
 * that would write a Secret shows the write with its keys but without its values (nor the copy in
 * the last-applied annotation), says what it redacted, and leaves other objects' data as they are.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import { startLocalStack, type LocalStack } from "../../src/local/stack.ts";
import { REDACTED } from "../../src/webhook/redact.ts";

const NS = "koreo-redact";
const TOKEN = Buffer.from("token-value-9d2e").toString("base64");
const PASSWORD = "password-value-71c4";
let stack: LocalStack;

interface Write {
  readonly verb: string;
  readonly ref: { kind: string; name: string };
  readonly body?: { data?: Record<string, string>; stringData?: Record<string, string>; metadata?: { annotations?: Record<string, string> } };
}
interface DryRun {
  readonly writes: Write[];
  readonly redacted: { marker: string; paths: string[]; note: string };
}

before(async () => {
  stack = await startLocalStack({
    handlers: 0,
    manifests: [fileURLToPath(new URL("./fixtures/vault-program.yaml", import.meta.url))],
    env: { KOREO_NAMESPACE: NS, RESOURCE_NAMESPACE: NS },
  });
});
after(async () => stack?.stop());

async function dryRun(name: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${stack.webhookUrl}/dry-run/redact.koreo.dev/v1/Vault/${NS}/${name}`, {
    method: "POST",
    headers: { authorization: `Bearer ${stack.secret}` },
  });
  return { status: response.status, text: await response.text() };
}

test("dry-run redacts a Secret's data and stringData values, keeps its keys, and says so", async () => {
  const applied = await stack.cluster.apply(
    { apiVersion: "redact.koreo.dev/v1", kind: "Vault", metadata: { name: "alpha", namespace: NS }, spec: { token: TOKEN, password: PASSWORD, user: "alice" } },
    { fieldManager: "test" },
  );
  assert.ok(applied.ok);
  const { status, text } = await dryRun("alpha");
  assert.equal(status, 200, text);
  assert.ok(!text.includes(PASSWORD), "no stringData value anywhere in the response");
  assert.ok(!text.includes(TOKEN), "no data value anywhere in the response");
  const result = JSON.parse(text) as DryRun;
  const secret = result.writes.find((w) => w.ref.kind === "Secret");
  assert.ok(secret, `a Secret write is reported: ${text}`);
  assert.deepEqual(secret.body?.data, { token: REDACTED });
  assert.deepEqual(secret.body?.stringData, { password: REDACTED });
  assert.equal(secret.body?.metadata?.annotations?.["koreo.dev/last-applied-configuration"], REDACTED, "the annotation copy too");
  assert.equal(result.redacted.marker, REDACTED);
  assert.ok(result.redacted.paths.some((p) => p.endsWith(".data")) && result.redacted.paths.some((p) => p.endsWith(".stringData")), text);
  const config = result.writes.find((w) => w.ref.kind === "ConfigMap");
  assert.deepEqual(config?.body?.data, { user: "alice" }, "other objects keep their data");
});
