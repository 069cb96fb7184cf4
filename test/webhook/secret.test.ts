/**
 * The webhook secret read from SSM Parameter Store (the deployed path): the real SSM client
 * (through Powertools Parameters) against a minimal SSM endpoint on localhost, then the webhook
 * app over HTTP with that source, and a source that cannot be read.
 */
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { createWebhookApp } from "../../src/webhook/app.ts";
import { ssmSecret, type SecretSource } from "../../src/webhook/secret.ts";
import type { Logger } from "../../src/ports/logger.ts";

const NAME = "/koreo/test/webhook-secret";
const parameters = new Map<string, string>([[NAME, "s3cr3t-from-ssm"]]);
const requests: { target: string; body: { Name?: string; WithDecryption?: boolean } }[] = [];
let server: Server;
let endpoint = "";

async function bodyOf(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** SSM's JSON protocol, GetParameter only: enough for the client to do its real work. */
before(async () => {
  server = createServer(async (request, response) => {
    const body = JSON.parse(await bodyOf(request)) as { Name?: string; WithDecryption?: boolean };
    requests.push({ target: String(request.headers["x-amz-target"]), body });
    const value = parameters.get(body.Name ?? "");
    response.setHeader("content-type", "application/x-amz-json-1.1");
    if (value === undefined) {
      response.statusCode = 400;
      response.end(JSON.stringify({ __type: "ParameterNotFound", message: "not found" }));
      return;
    }
    response.end(JSON.stringify({ Parameter: { Name: body.Name, Type: "SecureString", Value: value, Version: 1 } }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

function fromLocalSsm(name: string): SecretSource {
  return ssmSecret(name, { clientConfig: { endpoint, region: "eu-west-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } } });
}

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };

function appWith(secret: SecretSource) {
  return createWebhookApp({
    secret,
    bodyLimitBytes: 1024,
    // Authentication comes first: these are never reached by the requests below.
    cluster: {
      get: async () => ({ ok: false, error: { reason: "NotFound", message: "none" } }),
      list: async () => ({ ok: true, value: { items: [], resourceVersion: "1" } }),
      discover: async () => ({ ok: false, error: { reason: "NotFound", message: "none" } }),
    },
    work: { enqueue: async () => {} },
    dryRun: async () => ({ report: {}, writes: [] }),
    logger: quiet,
  });
}

test("reads the SecureString with decryption, once per cache age", async () => {
  const before = requests.length;
  const secret = fromLocalSsm(NAME);
  assert.equal(await secret(), "s3cr3t-from-ssm");
  assert.equal(await secret(), "s3cr3t-from-ssm");
  const made = requests.slice(before);
  assert.equal(made.length, 1, "cached after the first read");
  assert.equal(made[0]?.target, "AmazonSSM.GetParameter");
  assert.deepEqual(made[0]?.body, { Name: NAME, WithDecryption: true });
});

test("the webhook authenticates with the secret from SSM", async () => {
  const app = appWith(fromLocalSsm(NAME));
  const path = "/reconcile/apps.example/v1/WebApp/default/missing";
  assert.equal((await app.request(path, { method: "POST", headers: { authorization: "Bearer wrong" } })).status, 401);
  assert.equal((await app.request(path, { method: "POST", headers: { authorization: "Bearer s3cr3t-from-ssm" } })).status, 404);
});

test("a secret that cannot be read answers 503, not 401, and opens nothing", async () => {
  const app = appWith(fromLocalSsm("/koreo/test/absent"));
  const response = await app.request("/reconcile/apps.example/v1/WebApp/default/x", { method: "POST", headers: { authorization: "Bearer " } });
  assert.equal(response.status, 503);
  assert.equal(((await response.json()) as { error: string }).error, "webhook secret unavailable");
});
