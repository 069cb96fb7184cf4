/** `koreo start`'s namespace settings and the all-namespaces scope (`*`) the relay, definitions and sweep share. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { startEnv } from "../../src/cli/commands/start.ts";
import { configFromEnv, namespaceScopes } from "../../src/config/config.ts";

const none = { namespace: undefined, definitionsNamespace: undefined };

test("koreo start reads definitions and watches triggers in every namespace by default", () => {
  const config = configFromEnv(startEnv(none, {}));
  assert.deepEqual([config.koreoNamespaces, config.templateNamespaces, config.resourceNamespaces], [["*"], ["*"], ["*"]]);
  assert.deepEqual(namespaceScopes(config.resourceNamespaces), [""], "Kubernetes' all-namespaces list/watch path");
});

test("the AWS settings narrow it, and the flags win over them", () => {
  const env = { KOREO_NAMESPACE: "platform", RESOURCE_NAMESPACE: "team-a,team-b" };
  assert.deepEqual(configFromEnv(startEnv(none, env)).resourceNamespaces, ["team-a", "team-b"]);
  const flagged = configFromEnv(startEnv({ namespace: "demo", definitionsNamespace: "mine,*" }, env));
  assert.deepEqual([flagged.koreoNamespaces, flagged.resourceNamespaces], [["mine", "*"], ["demo"]]);
  assert.deepEqual(namespaceScopes(flagged.koreoNamespaces), [""], "one cluster-wide list; `mine` still ranks first (CTL-2)");
});

test("AWS defaults are unchanged: no setting means koreo-testing", () => {
  const config = configFromEnv({});
  assert.deepEqual([config.koreoNamespaces, config.resourceNamespaces], [["koreo-testing"], ["koreo-testing"]]);
});
