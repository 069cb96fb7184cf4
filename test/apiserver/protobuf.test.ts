/** The protobuf body decoder: bodies kubectl 1.32 sent, and bodies it refuses. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { decodeProtobufObject } from "../../src/apiserver/protobuf/decode.ts";
import { ApiError } from "../../src/apiserver/errors.ts";
import { harness } from "../support/apiserver.ts";

// Captured with `kubectl create … -v=8` (kubectl 1.32.4).
const CONFIGMAP = "6b3873000a0f0a0276311209436f6e6669674d6170121b0a110a017812001a0022002a0032003800420012060a01611201621a002200";
const DEPLOYMENT =
  "6b3873000a150a07617070732f7631120a4465706c6f796d656e7412a3010a1b0a016412001a0022002a003200380042005a080a0361707012016412760801120a0a080a036170701201641a5e0a1a0a0012001a0022002a003200380042005a080a03617070120164124012220a056e67696e7812056e67696e782a0042006a007200800100880100900100a201001a00320042004a0052005800600068008201008a01009a0100c2010022020a00280038001a0c0800100018002000280038001a002200";

/** An envelope around `raw` for apiVersion/kind. */
function envelope(apiVersion: string, kind: string, raw: Uint8Array): Buffer {
  const w = new BinaryWriter();
  w.tag(1, WireType.LengthDelimited).fork().tag(1, WireType.LengthDelimited).string(apiVersion).tag(2, WireType.LengthDelimited).string(kind).join();
  w.tag(2, WireType.LengthDelimited).bytes(raw);
  return Buffer.concat([Buffer.from("k8s\0", "binary"), w.finish()]);
}

/** A ConfigMap named `name` plus whatever `extra` writes. */
function configMap(name: string, extra: (w: BinaryWriter) => void = () => {}): Uint8Array {
  const w = new BinaryWriter();
  w.tag(1, WireType.LengthDelimited).fork().tag(1, WireType.LengthDelimited).string(name).join();
  extra(w);
  return w.finish();
}

function rejects(body: Buffer, code: number, message: RegExp): void {
  assert.throws(
    () => decodeProtobufObject(body),
    (e: unknown) => e instanceof ApiError && e.code === code && message.test(e.message),
  );
}

test("decodes bodies kubectl sent, dropping the zero values go-to-protobuf writes", () => {
  assert.deepEqual(decodeProtobufObject(Buffer.from(CONFIGMAP, "hex")), { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" }, data: { a: "b" } });
  assert.deepEqual(decodeProtobufObject(Buffer.from(DEPLOYMENT, "hex")), {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "d", labels: { app: "d" } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: "d" } },
      template: { metadata: { labels: { app: "d" } }, spec: { containers: [{ name: "nginx", image: "nginx" }] } },
    },
  });
});

test("unknown fields carrying data are refused naming message, number and path; zero-only ones are skipped", () => {
  const withField = (no: number, value: string): Buffer =>
    envelope(
      "v1",
      "ConfigMap",
      configMap("x", (w) => w.tag(no, WireType.LengthDelimited).string(value)),
    );
  rejects(withField(99, "surprise"), 415, /protobuf field 99 of ConfigMap is not supported/);
  assert.deepEqual(decodeProtobufObject(withField(99, "")), { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" } });
  const nested = configMap("x", (w) => w.tag(1, WireType.LengthDelimited).fork().tag(42, WireType.Varint).int32(7).join());
  rejects(envelope("v1", "ConfigMap", nested), 415, /field 42 of ObjectMeta \(in metadata\)/);
});

test("kinds without a table, foreign encodings and malformed bytes are refused", () => {
  rejects(envelope("apps/v1", "StatefulSet", configMap("x")), 415, /kind StatefulSet \(apps\/v1\) are not supported/);
  rejects(Buffer.from("{}"), 400, /magic number/);
  rejects(envelope("v1", "ConfigMap", Buffer.from([0x0a, 0x10, 0x01])), 400, /invalid protobuf/);
  const wrongType = configMap("x", (w) => w.tag(4, WireType.LengthDelimited).string("yes"));
  rejects(envelope("v1", "ConfigMap", wrongType), 400, /ConfigMap.immutable has wire type 2, expected 0/);
  const badUtf8 = configMap("x", (w) =>
    w
      .tag(2, WireType.LengthDelimited)
      .fork()
      .tag(1, WireType.LengthDelimited)
      .bytes(new Uint8Array([0xff]))
      .join(),
  );
  rejects(envelope("v1", "ConfigMap", badUtf8), 400, /invalid protobuf/);
});

test("over HTTP: a protobuf create works, an unsupported field answers 415", async () => {
  const h = await harness();
  try {
    const post = (body: Buffer) =>
      fetch(`${h.server.url}/api/v1/namespaces/default/configmaps`, {
        method: "POST",
        headers: { "content-type": "application/vnd.kubernetes.protobuf" },
        body,
      });
    const created = await post(Buffer.from(CONFIGMAP, "hex"));
    assert.equal(created.status, 201);
    assert.deepEqual(((await created.json()) as { data: unknown }).data, { a: "b" });
    const refused = await post(
      envelope(
        "v1",
        "ConfigMap",
        configMap("y", (w) => w.tag(77, WireType.Varint).int32(1)),
      ),
    );
    assert.equal(refused.status, 415);
    const status = (await refused.json()) as { reason: string; message: string };
    assert.equal(status.reason, "UnsupportedMediaType");
    assert.match(status.message, /field 77 of ConfigMap/);
  } finally {
    await h.close();
  }
});
