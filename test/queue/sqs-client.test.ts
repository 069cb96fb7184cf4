/**
 * Our SQS client (JSON protocol, signed by aws4) against fauxqs, checked by the AWS SDK as an
 * independent client: what ours sends the SDK receives, and the reverse. fauxqs accepts any
 * signature and never throttles, so the signature, the retries and the error mapping are
 * checked against a stub server.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { SQS } from "@aws-sdk/client-sqs";
import { startLocalSqs, type LocalSqs } from "../../src/local/sqs.ts";
import { createSqsClient, createSqsTimerQueue, createSqsWorkQueue, SqsNetworkError, SqsServiceError, type SqsApi } from "../../src/queue/adapters/index.ts";
import { decodeRequest } from "../../src/queue/index.ts";
import { classifySendError } from "../../src/relay/send-failure.ts";
import { expectedHeaderSignature } from "../support/sigv4.ts";
import { startStub } from "../support/stub-server.ts";

const LOCAL = { accessKeyId: "local", secretAccessKey: "local" };
let sqs: LocalSqs;
let ours: SqsApi;
/** The SDK's aggregated client satisfies our interface: the independent side of each check. */
let sdk: SqsApi & SQS;

before(async () => {
  sqs = await startLocalSqs({ visibilityTimeoutSeconds: 30 });
  ours = createSqsClient({ region: "us-east-1", endpoint: sqs.endpoint, credentials: async () => LOCAL });
  sdk = new SQS({ region: "us-east-1", endpoint: sqs.endpoint, credentials: LOCAL });
});
after(async () => {
  sdk.destroy();
  await sqs.stop();
});

const ref = (uid: string) => ({ apiVersion: "x.dev/v1", kind: "App", namespace: "ns", name: uid, uid });

test("ours sends, the SDK receives: FIFO body, group id and deduplication id; a timer's delay", async () => {
  await createSqsWorkQueue(ours, sqs.workUrl).enqueue([{ trigger: ref("a"), reason: "event", hash: "h1" }]);
  const received = await sdk.receiveMessage({ QueueUrl: sqs.workUrl, MessageSystemAttributeNames: ["All"], WaitTimeSeconds: 1 });
  const [message] = received.Messages ?? [];
  assert.ok(message);
  const decoded = decodeRequest(message.Body ?? "");
  assert.ok(decoded.ok);
  assert.equal(decoded.request.trigger.uid, "a");
  assert.equal(message.Attributes?.MessageGroupId, "a");
  assert.match(message.Attributes?.MessageDeduplicationId ?? "", /^a:/);
  await sdk.deleteMessageBatch({ QueueUrl: sqs.workUrl, Entries: [{ Id: "0", ReceiptHandle: message.ReceiptHandle ?? "" }] });

  await createSqsTimerQueue(ours, sqs.timerUrl).schedule({ trigger: ref("b"), reason: "timer", dueAt: 1 }, 1);
  assert.deepEqual(sqs.depth("timer"), { ready: 0, delayed: 1, inflight: 0 }, "held for its delay");
  const later = await sdk.receiveMessage({ QueueUrl: sqs.timerUrl, WaitTimeSeconds: 5 });
  assert.equal(later.Messages?.length, 1);
  await sdk.deleteMessageBatch({ QueueUrl: sqs.timerUrl, Entries: [{ Id: "0", ReceiptHandle: later.Messages?.[0]?.ReceiptHandle ?? "" }] });
});

test("the SDK sends, ours receives (long poll, attributes), returns early and deletes", async () => {
  await sdk.sendMessage({ QueueUrl: sqs.workUrl, MessageBody: "hello", MessageGroupId: "g", MessageDeduplicationId: "d1" });
  const first = await ours.receiveMessage({ QueueUrl: sqs.workUrl, WaitTimeSeconds: 1, MessageSystemAttributeNames: ["All"] });
  const [message] = first.Messages ?? [];
  assert.ok(message?.ReceiptHandle);
  assert.equal(message.Body, "hello");
  assert.equal(message.Attributes?.ApproximateReceiveCount, "1");
  assert.equal(sqs.depth("work").inflight, 1);

  const changed = await ours.changeMessageVisibilityBatch({
    QueueUrl: sqs.workUrl,
    Entries: [{ Id: "0", ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 }],
  });
  assert.deepEqual(changed.Failed ?? [], []);
  const again = await sdk.receiveMessage({ QueueUrl: sqs.workUrl, MessageSystemAttributeNames: ["All"] });
  const [redelivered] = again.Messages ?? [];
  assert.equal(redelivered?.Attributes?.ApproximateReceiveCount, "2", "visible again at once");

  const deleted = await ours.deleteMessageBatch({ QueueUrl: sqs.workUrl, Entries: [{ Id: "0", ReceiptHandle: redelivered?.ReceiptHandle ?? "" }] });
  assert.deepEqual(deleted.Failed ?? [], []);
  assert.deepEqual(sqs.depth("work"), { ready: 0, delayed: 0, inflight: 0 });
});

test("a missing queue is a QueueDoesNotExist service error, as the SDK names it, and the relay sees a rejection", async () => {
  const missing = sqs.workUrl.replace("koreo-work.fifo", "nope.fifo");
  const ourError = await ours.sendMessage({ QueueUrl: missing, MessageBody: "x", MessageGroupId: "g" }).catch((e: unknown) => e);
  const sdkError = await sdk.sendMessage({ QueueUrl: missing, MessageBody: "x", MessageGroupId: "g" }).catch((e: unknown) => e);
  assert.ok(ourError instanceof SqsServiceError);
  assert.ok(sdkError instanceof Error);
  assert.equal(ourError.name, sdkError.name);
  assert.equal(ourError.name, "QueueDoesNotExist");
  assert.equal(ourError.Code, "AWS.SimpleQueueService.NonExistentQueue");
  assert.equal(ourError.$metadata.httpStatusCode, 400);
  assert.deepEqual(classifySendError(ourError), classifySendError(sdkError));
  assert.equal(classifySendError(ourError).kind, "rejected");
});

test("each request is a SigV4-signed JSON 1.0 call with the credentials of that moment (rotated ones are picked up)", async () => {
  const stub = await startStub(() => ({ status: 200, body: { MessageId: "m" } }));
  try {
    let calls = 0;
    const credentials = async () =>
      ++calls === 1 ? { ...LOCAL, accessKeyId: "AKID1", sessionToken: "s1" } : { ...LOCAL, accessKeyId: "AKID2", sessionToken: "s2" };
    const client = createSqsClient({ region: "eu-west-1", credentials, endpoint: stub.url });
    await client.sendMessage({ QueueUrl: "https://sqs.eu-west-1.amazonaws.com/1/q", MessageBody: "x" });
    await client.sendMessage({ QueueUrl: "https://sqs.eu-west-1.amazonaws.com/1/q", MessageBody: "y" });
    const [first, second] = stub.requests;
    assert.ok(first && second);
    assert.equal(first.headers["x-amz-target"], "AmazonSQS.SendMessage");
    assert.equal(first.headers["content-type"], "application/x-amz-json-1.0");
    assert.deepEqual(JSON.parse(first.body), { QueueUrl: "https://sqs.eu-west-1.amazonaws.com/1/q", MessageBody: "x" });
    assert.match(String(first.headers.authorization), /Credential=AKID1\/\d{8}\/eu-west-1\/sqs\/aws4_request/);
    assert.equal(
      /Signature=([0-9a-f]+)/.exec(String(first.headers.authorization))?.[1],
      expectedHeaderSignature(first, LOCAL.secretAccessKey, "eu-west-1", "sqs"),
    );
    assert.equal(first.headers["x-amz-security-token"], "s1");
    assert.match(String(second.headers.authorization), /Credential=AKID2\//);
    assert.equal(second.headers["x-amz-security-token"], "s2");
  } finally {
    await stub.close();
  }
});

test("without an endpoint, requests go to the queue URL's own host", async () => {
  const stub = await startStub(() => ({ status: 200, body: {} }));
  try {
    const client = createSqsClient({ region: "us-east-1", credentials: async () => LOCAL });
    await client.deleteMessageBatch({ QueueUrl: `${stub.url}/000000000000/q`, Entries: [] });
    assert.equal(stub.requests[0]?.url, "/");
    assert.equal(stub.requests[0]?.headers["x-amz-target"], "AmazonSQS.DeleteMessageBatch");
  } finally {
    await stub.close();
  }
});

const noWait = { random: () => 0.5, sleep: async () => {} };

test("throttling and 5xx answers are retried, 3 attempts in all; other errors are not", async () => {
  const throttled = { status: 400, body: { __type: "com.amazonaws.sqs#RequestThrottled", message: "slow down" } };
  const stub = await startStub((_r, i) => (i === 0 ? { status: 503, body: {} } : i === 1 ? throttled : { status: 200, body: { MessageId: "m" } }));
  const waits: number[] = [];
  try {
    const client = createSqsClient({
      region: "us-east-1",
      credentials: async () => LOCAL,
      endpoint: stub.url,
      random: () => 1,
      sleep: async (ms) => void waits.push(ms),
    });
    assert.deepEqual(await client.sendMessage({ QueueUrl: `${stub.url}/1/q`, MessageBody: "x" }), { MessageId: "m" });
    assert.equal(stub.requests.length, 3);
    assert.deepEqual(waits, [100, 1000], "full-jitter backoff from 100 ms, from 500 ms when throttled, doubling");
  } finally {
    await stub.close();
  }

  const always = await startStub(() => throttled);
  try {
    const client = createSqsClient({ region: "us-east-1", credentials: async () => LOCAL, endpoint: always.url, ...noWait });
    const error = await client.sendMessage({ QueueUrl: `${always.url}/1/q`, MessageBody: "x" }).catch((e: unknown) => e);
    assert.ok(error instanceof SqsServiceError);
    assert.equal(error.name, "RequestThrottled");
    assert.equal(always.requests.length, 3);
  } finally {
    await always.close();
  }

  const denied = await startStub(() => ({ status: 403, body: { __type: "com.amazon.coral.service#AccessDeniedException", Message: "no" } }));
  try {
    const client = createSqsClient({ region: "us-east-1", credentials: async () => LOCAL, endpoint: denied.url, ...noWait });
    await assert.rejects(client.sendMessage({ QueueUrl: `${denied.url}/1/q`, MessageBody: "x" }), { name: "AccessDeniedException", message: "no" });
    assert.equal(denied.requests.length, 1);
  } finally {
    await denied.close();
  }
});

test("no answer (connection refused, or none in time) is a network error, retried, with Node's code", async () => {
  const closed = await startStub(() => ({ status: 200 }));
  await closed.close();
  const refused = createSqsClient({ region: "us-east-1", credentials: async () => LOCAL, endpoint: closed.url, ...noWait });
  const error = await refused.sendMessage({ QueueUrl: `${closed.url}/1/q`, MessageBody: "x" }).catch((e: unknown) => e);
  assert.ok(error instanceof SqsNetworkError);
  assert.equal(error.code, "ECONNREFUSED");
  assert.deepEqual(classifySendError(error).kind, "unreachable");

  const hanging = await startStub(() => "hang");
  try {
    const client = createSqsClient({ region: "us-east-1", credentials: async () => LOCAL, endpoint: hanging.url, timeoutMs: 50, maxAttempts: 2, ...noWait });
    await assert.rejects(client.sendMessage({ QueueUrl: `${hanging.url}/1/q`, MessageBody: "x" }), { name: "Error", code: "TimeoutError" });
    assert.equal(hanging.requests.length, 2);
  } finally {
    await hanging.close();
  }
});
