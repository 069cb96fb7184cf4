/**
 * What the reconcile Lambda's bundle (esbuild as serverless.yml runs it) carries: no AWS SDK
 * (our SQS client signed by aws4 instead; Lambda's credentials are in the environment, only the
 * relay loads the SDK's credential chain), and the X-Ray SDK only behind the Tracer's dynamic import.
 * Sizes and import times are measured in bench/bundle.bench.ts, not here.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { build, type Metafile } from "esbuild";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));

async function metafileOf(entry: string): Promise<Metafile> {
  const result = await build({
    entryPoints: [`${root}${entry}`],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22",
    write: false,
    metafile: true,
    logLevel: "error",
  });
  return result.metafile;
}

const packageOf = (input: string) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1];

test("the reconcile bundle carries no AWS SDK package (the X-Ray SDK's own error classifier aside)", async () => {
  const packages = new Set(Object.keys((await metafileOf("handlers/reconcile.ts")).inputs).map(packageOf));
  assert.deepEqual(
    [...packages].filter((p) => p !== undefined && /^@(aws-sdk|smithy)\//.test(p) && p !== "@smithy/service-error-classification"),
    [],
  );
  assert.ok(packages.has("aws4"));
});

test("the Powertools Tracer (and with it the X-Ray SDK) is only imported dynamically, so an untraced function never evaluates it", async () => {
  const metafile = await metafileOf("handlers/reconcile.ts");
  const tracerImports = Object.entries(metafile.inputs).flatMap(([from, input]) =>
    input.imports.filter((i) => i.path.includes("@aws-lambda-powertools/tracer/")).map((i) => ({ from, kind: i.kind })),
  );
  assert.ok(tracerImports.length > 0, "the tracer is in the bundle");
  assert.deepEqual(
    tracerImports.filter((i) => !i.from.includes("node_modules/")),
    [{ from: "src/lambda/observability.ts", kind: "dynamic-import" }],
  );
});
