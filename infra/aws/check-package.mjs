#!/usr/bin/env node
// Asserts that `serverless package` (osls) produced the CloudFormation the runtime needs (run by .ci/run after it):
// the three functions, the FIFO work queue with its DLQ, the timer queue with its DLQ, the SQS event
// sources with partial batch responses, the schedule and the HTTP API routes.
import { readFileSync, statSync } from "node:fs";
import yauzl from "yauzl";

const template = JSON.parse(readFileSync(".serverless/cloudformation-template-update-stack.json", "utf8"));
const resources = Object.values(template.Resources);
const failures = [];
const expect = (ok, what) => (ok ? console.log(`ok   ${what}`) : failures.push(what));
const ofType = (type) => resources.filter((r) => r.Type === type);

const functions = ofType("AWS::Lambda::Function");
expect(functions.length === 3, "three Lambda functions (reconcile, timer, webhook)");
expect(
  functions.every((f) => f.Properties.Runtime === "nodejs22.x"),
  "runtime nodejs22.x",
);
expect(
  functions.some((f) => f.Properties.ReservedConcurrentExecutions !== undefined),
  "reconcile has reserved concurrency",
);

const queues = template.Resources;
expect(queues.WorkQueue?.Properties.FifoQueue === true, "work queue is FIFO");
expect(queues.WorkQueue?.Properties.RedrivePolicy?.deadLetterTargetArn !== undefined, "work queue dead-letters");
expect(queues.WorkDeadLetterQueue?.Properties.FifoQueue === true, "work DLQ is FIFO");
expect(queues.TimerQueue !== undefined && queues.TimerQueue.Properties.FifoQueue === undefined, "timer queue is standard (per-message delays)");
expect(queues.TimerQueue?.Properties.RedrivePolicy?.deadLetterTargetArn !== undefined, "timer queue dead-letters");

const mappings = ofType("AWS::Lambda::EventSourceMapping");
expect(mappings.length === 2, "two SQS event sources");
expect(
  mappings.every((m) => m.Properties.FunctionResponseTypes?.includes("ReportBatchItemFailures")),
  "partial batch responses",
);
expect(ofType("AWS::Events::Rule").length === 1, "sweep schedule");
const routes = ofType("AWS::ApiGatewayV2::Route").map((r) => r.Properties.RouteKey);
expect(routes.length === 4 && routes.includes("POST /admission"), "four webhook routes (health, reconcile, dry-run, admission)");

for (const name of ["reconcile", "timer", "webhook"]) expect(statSync(`.serverless/${name}.zip`).size > 0, `${name}.zip bundle`);

// The definition validator reads its schemas from the Koreo CRDs (VAL-2): they must ship in every
// bundle that loads definitions, where KOREO_CRD_DIR points. Zip entry names are stored uncompressed.
const crdDir = functions.map((f) => f.Properties.Environment?.Variables?.KOREO_CRD_DIR);
expect(
  crdDir.every((d) => d === "/var/task/infra/crds"),
  "KOREO_CRD_DIR points at the packaged CRDs",
);
for (const name of ["reconcile", "webhook"]) {
  const zip = readFileSync(`.serverless/${name}.zip`).toString("latin1");
  const kinds = ["valuefunctions", "resourcefunctions", "resourcetemplates", "workflows"];
  expect(
    kinds.every((k) => zip.includes(`infra/crds/${k}.koreo.dev.yaml`)),
    `${name}.zip ships the Koreo CRDs`,
  );
}

// The handlers are split (serverless.yml esbuild.splitting): each one's chunks, the ones it imports at
// load and those it imports on first use (engine, tracer), must be in its zip beside it.
for (const name of ["reconcile", "timer", "webhook"]) {
  const files = await moduleFiles(`.serverless/${name}.zip`);
  const missing = [...reachable(files, `handlers/${name}.mjs`)].filter((path) => !files.has(path));
  expect(
    files.has(`handlers/${name}.mjs`) && missing.length === 0,
    `${name}.zip holds its handler and every chunk it imports${missing.length > 0 ? ` (missing ${missing.join(", ")})` : ""}`,
  );
}

/** The .mjs files of a zip, by path. */
function moduleFiles(zipPath) {
  return new Promise((resolve, reject) => {
    const files = new Map();
    yauzl.open(zipPath, { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error);
      zip.on("entry", (entry) => {
        if (!entry.fileName.endsWith(".mjs")) return zip.readEntry();
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError) return reject(streamError);
          const chunks = [];
          stream.on("data", (chunk) => chunks.push(chunk));
          stream.on("end", () => {
            files.set(entry.fileName, Buffer.concat(chunks).toString("utf8"));
            zip.readEntry();
          });
        });
      });
      zip.on("end", () => resolve(files));
      zip.on("error", reject);
      zip.readEntry();
    });
  });
}

/** Every module a file imports (statically or with import()), transitively, by path in the zip. */
function reachable(files, start, seen = new Set()) {
  seen.add(start);
  const dir = start.slice(0, start.lastIndexOf("/") + 1);
  for (const [, relative] of (files.get(start) ?? "").matchAll(/(?:from\s*|import\s*\(\s*)"\.\/([\w.-]+\.mjs)"/g)) {
    const path = dir + relative;
    if (!seen.has(path)) reachable(files, path, seen);
  }
  return seen;
}

if (failures.length > 0) {
  for (const f of failures) console.error(`FAIL ${f}`);
  process.exit(1);
}
