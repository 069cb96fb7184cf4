import { test } from "node:test";
import assert from "node:assert/strict";
import { closestName, didYouMean } from "../../src/definitions/suggest.ts";

test("CLI-11 did-you-mean: a near name within 2 edits, nothing for far or very short names", () => {
  assert.equal(closestName("greetng", ["greeting", "farewell"]), "greeting");
  assert.equal(closestName("webapp-confg", ["webapp-config", "webapp-config-map"]), "webapp-config");
  assert.equal(closestName("Greeting", ["greeting"]), "greeting", "a case-only difference");
  assert.equal(closestName("something-else", ["greeting"]), undefined);
  assert.equal(closestName("ab", ["xy"]), undefined);
  assert.equal(closestName("same", ["same"]), undefined, "the name itself is no suggestion");
  assert.equal(didYouMean("ValueFunctions", ["ValueFunction", "ResourceFunction"]), "; did you mean 'ValueFunction'?");
  assert.equal(didYouMean("zzz", ["ValueFunction"]), "");
});
