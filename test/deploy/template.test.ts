/**
 * The CloudFormation an operator would deploy, generated offline by `npx serverless package`
 * (osls, no AWS credentials) into a temporary folder and read back: alarms, one least-privilege
 * role per function, the webhook secret only by name, HTTP API throttling, tracing, the VPC option;
 * and a missing required parameter failing the package with a message that names it.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";

const run = promisify(execFile);

interface Resource {
  readonly Type: string;
  readonly Condition?: string;
  readonly Properties?: Record<string, unknown>;
}
interface Template {
  readonly Resources: Record<string, Resource>;
  readonly Parameters?: Record<string, { Default?: unknown }>;
}
interface Statement {
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
}

/** A value the old design read from the environment into the template: it must not leak. */
const SECRET_SENTINEL = "do-not-ship-this-secret-3f9a1c";
const SECRET_PARAMETER = "/koreo/test/webhook-secret";
const REQUIRED = [`eksClusterName=koreo-test`, `webhookSecretParameter=${SECRET_PARAMETER}`, `resourceNamespace=team-a`];
const VPC = [`vpcSubnetIds=subnet-0123abcd,subnet-4567ef01`, `vpcSecurityGroupIds=sg-0123abcd`];

/** The environment without AWS credentials, so nothing can reach an account. */
function offlineEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, KOREO_WEBHOOK_SECRET: SECRET_SENTINEL };
  for (const name of ["AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"]) delete env[name];
  return env;
}

async function serverlessPackage(dir: string, params: readonly string[]): Promise<{ ok: boolean; output: string }> {
  const args = ["-n", "19", "npx", "serverless", "package", "--stage", "test", "--package", dir, ...params.map((p) => `--param=${p}`)];
  try {
    // Lowest CPU priority: bundling is heavy, and test files run two at a time beside it.
    const { stdout, stderr } = await run("nice", args, { env: offlineEnv(), maxBuffer: 16 * 1024 * 1024 });
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${failed.stdout ?? ""}${failed.stderr ?? ""}` };
  }
}

const dir = mkdtempSync(join(tmpdir(), "koreo-package-"));
let templateText = "";
let template: Template;

before(async () => {
  const packaged = await serverlessPackage(dir, [...REQUIRED, ...VPC]);
  assert.ok(packaged.ok, packaged.output);
  templateText = readFileSync(join(dir, "cloudformation-template-update-stack.json"), "utf8");
  template = JSON.parse(templateText) as Template;
});
after(() => rmSync(dir, { recursive: true, force: true }));

function ofType(type: string): [string, Resource][] {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

function prop<T>(resource: Resource | undefined, name: string): T {
  assert.ok(resource?.Properties, "resource with properties");
  return resource.Properties[name] as T;
}

function statementsOf(role: string): Statement[] {
  const policies = prop<{ PolicyDocument: { Statement: Statement[] } }[]>(template.Resources[role], "Policies");
  return policies.flatMap((p) => p.PolicyDocument.Statement);
}

function actionsOf(role: string): string[] {
  return statementsOf(role).flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
}

test("a missing required parameter, or a limit AWS would reject, fails packaging with a message naming it", async () => {
  // One run for both: the framework reports every unresolvable variable at once.
  const failed = await serverlessPackage(mkdtempSync(join(tmpdir(), "koreo-package-missing-")), [...REQUIRED.slice(1), "batchSize=20"]);
  assert.equal(failed.ok, false);
  assert.match(failed.output, /Missing required parameter "eksClusterName"/);
  assert.match(failed.output, /--param="eksClusterName=<value>"|params\.test\.eksClusterName/);
  assert.match(failed.output, /Invalid parameter "batchSize" = "20": expected an integer in 1\.\.10/);
});

test("alarms: both DLQs, the work queue's oldest message, errors and throttles per function, Koreo metrics, HTTP 5xx", () => {
  const alarms = ofType("AWS::CloudWatch::Alarm").map(([, a]) => a);
  const watched = alarms.map((a) => `${prop<string>(a, "Namespace")}/${prop<string>(a, "MetricName")}/${JSON.stringify(prop(a, "Dimensions"))}`);
  const expect = (namespace: string, metric: string, dimension: unknown) =>
    assert.ok(
      watched.includes(`${namespace}/${metric}/${JSON.stringify(dimension)}`),
      `alarm on ${namespace} ${metric} ${JSON.stringify(dimension)}\n${watched.join("\n")}`,
    );
  expect("AWS/SQS", "ApproximateNumberOfMessagesVisible", [{ Name: "QueueName", Value: { "Fn::GetAtt": ["WorkDeadLetterQueue", "QueueName"] } }]);
  expect("AWS/SQS", "ApproximateNumberOfMessagesVisible", [{ Name: "QueueName", Value: { "Fn::GetAtt": ["TimerDeadLetterQueue", "QueueName"] } }]);
  expect("AWS/SQS", "ApproximateAgeOfOldestMessage", [{ Name: "QueueName", Value: { "Fn::GetAtt": ["WorkQueue", "QueueName"] } }]);
  for (const fn of ["Reconcile", "Timer", "Webhook"]) {
    for (const metric of ["Errors", "Throttles"]) expect("AWS/Lambda", metric, [{ Name: "FunctionName", Value: { Ref: `${fn}LambdaFunction` } }]);
  }
  expect("Koreo", "SystemErrorGiveUps", [{ Name: "service", Value: { Ref: "ReconcileLambdaFunction" } }]);
  expect("Koreo", "DeadLetterBound", [{ Name: "service", Value: { Ref: "ReconcileLambdaFunction" } }]);
  expect("Koreo", "DeadLetterBound", [{ Name: "service", Value: { Ref: "TimerLambdaFunction" } }]);
  for (const queue of ["work-dlq", "timer-dlq"]) {
    expect("Koreo", "DeadLetterRedrives", [
      { Name: "service", Value: { Ref: "TimerLambdaFunction" } },
      { Name: "queue", Value: queue },
    ]);
  }
  expect("AWS/ApiGateway", "5xx", [{ Name: "ApiId", Value: { Ref: "HttpApi" } }]);
  for (const alarm of alarms) assert.ok(prop<unknown[]>(alarm, "AlarmActions").length > 0, "every alarm notifies");
});

test("alarms notify a created SNS topic unless alarmTopicArn is given", () => {
  assert.equal(template.Resources.AlarmTopic?.Condition, "CreateAlarmTopic");
  assert.equal(template.Parameters?.AlarmTopicArn?.Default, "");
});

test("three roles, one per function, and no default role", () => {
  assert.deepEqual(
    ofType("AWS::IAM::Role")
      .map(([name]) => name)
      .sort(),
    ["ReconcileRole", "TimerRole", "WebhookRole"],
  );
  assert.equal(template.Resources.IamRoleLambdaExecution, undefined);
  for (const fn of ["Reconcile", "Timer", "Webhook"]) {
    assert.deepEqual(prop(template.Resources[`${fn}LambdaFunction`], "Role"), { "Fn::GetAtt": [`${fn}Role`, "Arn"] });
  }
});

test("least privilege: no wildcard action; each role only its queues, the one cluster, the one parameter", () => {
  for (const role of ["ReconcileRole", "TimerRole", "WebhookRole"]) {
    for (const action of actionsOf(role)) assert.doesNotMatch(action, /\*/, `${role}: ${action}`);
    const eks = statementsOf(role).find((s) => s.Action.includes("eks:DescribeCluster"));
    assert.match(JSON.stringify(eks?.Resource), /cluster\/koreo-test"/, `${role}: DescribeCluster on the one cluster`);
  }
  assert.ok(!actionsOf("WebhookRole").includes("sqs:ReceiveMessage"), "the webhook only sends");
  assert.ok(!actionsOf("ReconcileRole").includes("ssm:GetParameter"), "only the webhook reads the secret");
  assert.ok(!actionsOf("TimerRole").includes("ssm:GetParameter"), "only the webhook reads the secret");
  const decrypt = statementsOf("WebhookRole").find((s) => s.Action.includes("kms:Decrypt"));
  assert.match(JSON.stringify(decrypt?.Condition), /kms:ViaService/, "kms:Decrypt only through SSM");
});

test("the webhook secret: only the SSM parameter's name is in the template, never a value", () => {
  assert.ok(!templateText.includes(SECRET_SENTINEL), "no secret value in the template");
  const env = prop<{ Variables: Record<string, unknown> }>(template.Resources.WebhookLambdaFunction, "Environment").Variables;
  assert.equal(env.KOREO_WEBHOOK_SECRET_PARAMETER, SECRET_PARAMETER);
  assert.equal(env.KOREO_WEBHOOK_SECRET, undefined);
  const get = statementsOf("WebhookRole").find((s) => s.Action.includes("ssm:GetParameter"));
  assert.match(JSON.stringify(get?.Resource), /parameter\/koreo\/test\/webhook-secret"/);
});

test("HTTP API throttling on the default route settings", () => {
  const settings = prop<Record<string, unknown>>(template.Resources.HttpApiStage, "DefaultRouteSettings");
  assert.equal(typeof settings.ThrottlingBurstLimit, "number");
  assert.equal(typeof settings.ThrottlingRateLimit, "number");
});

test("the timer's sweep can hand dead-lettered requests back: DLQ URLs and receive/delete on the DLQs only", () => {
  const env = prop<{ Variables: Record<string, unknown> }>(template.Resources.TimerLambdaFunction, "Environment").Variables;
  assert.deepEqual(env.KOREO_WORK_DLQ_URL, { Ref: "WorkDeadLetterQueue" });
  assert.deepEqual(env.KOREO_TIMER_DLQ_URL, { Ref: "TimerDeadLetterQueue" });
  const receive = statementsOf("TimerRole").filter((s) => s.Action.includes("sqs:ReceiveMessage"));
  assert.match(JSON.stringify(receive), /WorkDeadLetterQueue/);
  for (const role of ["ReconcileRole", "WebhookRole"]) assert.doesNotMatch(JSON.stringify(statementsOf(role)), /DeadLetterQueue/, role);
});

test("timer and webhook do not publish definition status (their cluster identities only read)", () => {
  for (const fn of ["TimerLambdaFunction", "WebhookLambdaFunction"]) {
    assert.equal(prop<{ Variables: Record<string, unknown> }>(template.Resources[fn], "Environment").Variables.KOREO_DEFINITION_STATUS, "false", fn);
  }
});

test("X-Ray tracing on every function, with the Powertools tracer enabled", () => {
  for (const [name, fn] of ofType("AWS::Lambda::Function")) {
    assert.deepEqual(prop(fn, "TracingConfig"), { Mode: "Active" }, name);
    assert.equal(prop<{ Variables: Record<string, unknown> }>(fn, "Environment").Variables.POWERTOOLS_TRACE_DISABLED, "false", name);
  }
});

test("VPC option: every function in the given subnets and groups, roles with the ENI policy", () => {
  for (const [name, fn] of ofType("AWS::Lambda::Function")) {
    assert.deepEqual(prop(fn, "VpcConfig"), { SubnetIds: ["subnet-0123abcd", "subnet-4567ef01"], SecurityGroupIds: ["sg-0123abcd"] }, name);
  }
  for (const role of ["ReconcileRole", "TimerRole", "WebhookRole"]) {
    assert.match(JSON.stringify(prop(template.Resources[role], "ManagedPolicyArns")), /AWSLambdaVPCAccessExecutionRole/);
  }
});
