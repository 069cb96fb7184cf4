import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { loadText } from "../../src/definitions/load.ts";
import { validateDefinition } from "../../src/definitions/rules.ts";
import { lintDefinition } from "../../src/definitions/index.ts";

/** YAML-ish fragments: indentation, flow and block punctuation, anchors, aliases, tags, quotes, tabs. */
const token = fc.constantFrom(
  "\n",
  "  ",
  "\t",
  "- ",
  ": ",
  "{",
  "}",
  "[",
  "]",
  ",",
  "---\n",
  "...\n",
  "&a ",
  "*a",
  "&b ",
  "*b",
  "<<: ",
  "!!str ",
  "!!int ",
  "'",
  '"',
  "#",
  "|",
  ">",
  "apiVersion: koreo.dev/v1beta1\n",
  "kind: ValueFunction\n",
  "kind: Workflow\n",
  "kind: ResourceFunction\n",
  "metadata:\n  name: x\n",
  "spec:\n",
  "  return:\n",
  "  steps:\n",
  "yes",
  "0777",
  "1_000",
  "1:30",
  "=inputs.x",
  "~",
  "null",
  "1.5",
  "12345678901234567890",
  "?",
  "%YAML 1.1\n",
);
const yamlish = fc.array(fc.oneof(token, fc.string({ maxLength: 6 })), { maxLength: 80 }).map((parts) => parts.join(""));

test("loadText never throws on random YAML-ish text, and everything it accepts validates and lints without throwing", () => {
  fc.assert(
    fc.property(yamlish, (text) => {
      const result = loadText(text, "fuzz.yaml");
      for (const p of result.problems) assert.equal(typeof p.message, "string");
      for (const d of result.definitions) {
        validateDefinition(d);
        lintDefinition(d);
        d.positionOf("spec.steps[0].inputs.x");
      }
    }),
    { numRuns: 1500 },
  );
});

test("loadText never throws on arbitrary unicode text", () => {
  fc.assert(
    fc.property(fc.string({ unit: "grapheme", maxLength: 200 }), (text) => {
      loadText(text, "fuzz.yaml");
    }),
    { numRuns: 500 },
  );
});
