/** Builds a registry from YAML text and runs its FunctionTests, as `koreo test` does, without files. */
import { createRegistry, loadText, type Registry } from "../../src/definitions/index.ts";
import { prepareFunctionTest, runAllTests, type FunctionTestResult } from "../../src/function-test/index.ts";
import { prepareResourceFunction, prepareResourceTemplate, prepareValueFunction } from "../../src/logic/index.ts";

const PREPARERS = {
  ValueFunction: prepareValueFunction,
  ResourceFunction: prepareResourceFunction,
  ResourceTemplate: prepareResourceTemplate,
  FunctionTest: prepareFunctionTest,
};

export function registryOf(...texts: string[]): Registry {
  const registry = createRegistry({ preparers: PREPARERS });
  for (const [i, text] of texts.entries()) {
    const loaded = loadText(text, `doc-${i}.k.yaml`);
    if (loaded.problems.some((p) => p.severity === "error")) throw new Error(loaded.problems.map((p) => p.message).join("; "));
    for (const d of loaded.definitions) registry.upsert(d);
  }
  return registry;
}

export async function runTests(...texts: string[]): Promise<FunctionTestResult[]> {
  return (await runAllTests(registryOf(...texts))).map((r) => r.result);
}

export async function runOne(...texts: string[]): Promise<FunctionTestResult> {
  const [first] = await runTests(...texts);
  if (first === undefined) throw new Error("no FunctionTest in the texts");
  return first;
}

/** A FunctionTest document around the given spec body (indented YAML under `spec:`). */
export function functionTest(name: string, spec: string): string {
  return `apiVersion: koreo.dev/v1beta1\nkind: FunctionTest\nmetadata:\n  name: ${name}\n  namespace: tests\nspec:\n${spec}`;
}

/** FT-1.5's function: creates Widget <inputs.name> with spec.color, patch policy, returns spec.color. */
export const WIDGET = `apiVersion: koreo.dev/v1beta1
kind: ResourceFunction
metadata:
  name: widget
  namespace: functions
spec:
  apiConfig:
    apiVersion: acme.example/v1
    kind: Widget
    name: =inputs.name
    namespace: widgets
  resource:
    spec:
      color: =inputs.color
  return:
    color: =resource.spec.color
`;

/** A ValueFunction that skips on request and echoes its input. */
export const ECHO = `apiVersion: koreo.dev/v1beta1
kind: ValueFunction
metadata:
  name: echo
  namespace: functions
spec:
  preconditions:
    - assert: =!has(inputs.skip)
      skip:
        message: asked to skip
  return:
    value: =inputs.value
`;

export const labels = (r: FunctionTestResult): string[] => r.cases.map((c) => `${c.skipped ? "skip" : c.passed ? "pass" : "fail"} ${c.label}`);

/** JSON for assertion messages (Values hold bigints). */
export const show = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? x.toString() : x));
