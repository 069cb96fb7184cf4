/**
 * When the handlers' tracer may load the Powertools Tracer (and the X-Ray SDK): only where
 * Powertools would trace, decided from the environment before anything is imported.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createTracer } from "../../src/lambda/observability.ts";

const LAMBDA = { AWS_EXECUTION_ENV: "AWS_Lambda_nodejs22.x" };

test("outside Lambda, under SAM or the Amplify mock, or switched off, the tracer is off and never loads the Tracer", async () => {
  const off = [
    createTracer({}, {}),
    createTracer({}, { ...LAMBDA, AWS_SAM_LOCAL: "true" }),
    createTracer({}, { AWS_EXECUTION_ENV: "AWS_Lambda_amplify-mock" }),
    createTracer({}, { ...LAMBDA, POWERTOOLS_TRACE_ENABLED: "False" }),
    createTracer({ POWERTOOLS_TRACE_DISABLED: "TRUE" }, LAMBDA),
  ];
  for (const tracer of off) {
    assert.equal(tracer.isTracingEnabled(), false);
    assert.equal(await tracer.powertools(), undefined);
  }
});

test("in Lambda with tracing on, the Powertools Tracer is loaded (once) and used", async () => {
  const tracer = createTracer({ POWERTOOLS_TRACE_DISABLED: "false" }, LAMBDA);
  assert.equal(tracer.isTracingEnabled(), true);
  const first = await tracer.powertools();
  assert.ok(first !== undefined);
  assert.equal(await tracer.powertools(), first);
});
