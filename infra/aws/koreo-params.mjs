// serverless (osls) plugin: the `${koreo:NAME}` variable source. It reads the stage parameter NAME
// (`--param=NAME=…`, `params.<stage>.NAME`, then `params.default.NAME`) and checks it against the
// table below, so `serverless package` fails during variable resolution — before any bundle is
// built — with a message that names the parameter, when a required one is missing or a value is
// outside what AWS accepts (e.g. a FIFO event source's batch size). Values given with --param
// arrive as strings; this source returns them typed (integers as numbers, lists as arrays).
//
// Two derived addresses combine parameters that only make sense together:
//   ${koreo:vpc}                → a function's vpc: false (none) or { subnetIds, securityGroupIds }
//   ${koreo:vpcAccessPolicies}  → the managed policy Lambda needs for VPC ENIs, or [] without VPC

/** @typedef {{ kind: "string", pattern?: RegExp, example?: string } | { kind: "int", min: number, max: number } | { kind: "enum", values: string[] } | { kind: "list", pattern: RegExp }} Type */
/** @typedef {Type & { required?: boolean, what: string }} Spec */

/** A namespace, or `*` for every namespace (config.ts); lists are comma-separated. */
const NAMESPACE = String.raw`(\*|[a-z0-9]([-a-z0-9]*[a-z0-9])?)`;
const NAMESPACES = new RegExp(`^${NAMESPACE}(,${NAMESPACE})*$`);

/** @type {Record<string, Spec>} */
const SPECS = {
  eksClusterName: {
    required: true,
    kind: "string",
    pattern: /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/,
    what: "the EKS cluster the handlers reconcile (signs their EKS tokens; endpoint and CA come from eks:DescribeCluster unless kubeServer/kubeCaData are set)",
  },
  webhookSecretParameter: {
    required: true,
    kind: "string",
    pattern: /^\/[A-Za-z0-9_.\-/]{1,1010}$/,
    example: "/koreo/prod/webhook-secret",
    what: "the name of the SSM SecureString holding the webhook secret (a path starting with /)",
  },
  resourceNamespace: {
    required: true,
    kind: "string",
    pattern: NAMESPACES,
    what: "the namespaces holding the triggers, a comma list, or *",
  },
  koreoNamespace: {
    kind: "string",
    pattern: NAMESPACES,
    what: "the namespaces holding the Koreo definitions",
  },
  templateNamespace: { kind: "string", pattern: new RegExp(`^$|${NAMESPACES.source}`), what: "the ResourceTemplate namespaces (empty: koreoNamespace)" },
  kubeServer: { kind: "string", pattern: /^(https:\/\/[^\s]+)?$/, what: "the EKS API endpoint (empty: read with eks:DescribeCluster)" },
  kubeCaData: { kind: "string", pattern: /^[A-Za-z0-9+/=]*$/, what: "the cluster CA, base64 PEM (empty: read with eks:DescribeCluster)" },
  // SQS: a FIFO event source takes at most 10 messages a batch, maximumConcurrency is 2..1000.
  batchSize: { kind: "int", min: 1, max: 10, what: "messages per reconcile batch (SQS FIFO event sources accept 1..10)" },
  // The reconcile function runs 30 s (= the work queue's visibility, serverless.yml); a record starts only with
  // the budget + 5 s left (src/lambda/sqs-batch.ts RECORD_MARGIN_SECONDS), so a budget above 24 s would start none.
  reconcileBudgetSeconds: {
    kind: "int",
    min: 1,
    max: 24,
    what: "seconds one reconcile may run (CTL-13); at most 24 to fit the 30 s function with its 5 s margin",
  },
  reconcileConcurrency: { kind: "int", min: 2, max: 1000, what: "concurrent reconcile invocations (SQS maximumConcurrency accepts 2..1000)" },
  maxReceiveCount: { kind: "int", min: 1, max: 1000, what: "receives before a message is dead-lettered (SQS accepts 1..1000)" },
  logLevel: { kind: "enum", values: ["DEBUG", "INFO", "WARN", "ERROR"], what: "the handlers' log level" },
  tracing: { kind: "enum", values: ["true", "false"], what: "X-Ray tracing of the Lambda functions" },
  alarmTopicArn: {
    kind: "string",
    pattern: /^(arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256})?$/,
    what: "the SNS topic the alarms notify (empty: the stack creates one)",
  },
  oldestMessageAlarmSeconds: { kind: "int", min: 60, max: 1209600, what: "age of the work queue's oldest message that raises an alarm" },
  httpApiBurstLimit: { kind: "int", min: 1, max: 5000, what: "HTTP API burst limit (requests)" },
  httpApiRateLimit: { kind: "int", min: 1, max: 10000, what: "HTTP API steady rate limit (requests per second)" },
  vpcSubnetIds: { kind: "list", pattern: /^subnet-[0-9a-f]{8,17}$/, what: "subnets for the functions (a comma list; with vpcSecurityGroupIds)" },
  vpcSecurityGroupIds: { kind: "list", pattern: /^sg-[0-9a-f]{8,17}$/, what: "security groups for the functions (a comma list; with vpcSubnetIds)" },
};

/** Parameters that are set together or not at all. */
const TOGETHER = [
  ["kubeServer", "kubeCaData"],
  ["vpcSubnetIds", "vpcSecurityGroupIds"],
];

const VPC_ACCESS_POLICY = { "Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole" };

export default class KoreoParams {
  constructor(serverless) {
    const ServerlessError = serverless.classes.Error;
    const fail = (message) => {
      throw new ServerlessError(message);
    };
    this.configurationVariablesSources = {
      koreo: {
        resolve: async ({ address, resolveVariable, options }) => {
          const read = async (name) => raw(await resolveVariable(`param:${name}, null`));
          const stage = options.stage ?? "dev";
          return { value: await resolveAddress(address, read, stage, fail) };
        },
      },
    };
  }
}

/** Everything arrives as a string ("" = unset): --param values are strings, file values may be numbers or booleans. */
function raw(value) {
  if (value === null || value === undefined) return "";
  return String(value).trim();
}

async function resolveAddress(address, read, stage, fail) {
  if (address === "vpc") return vpcOf(await checked("vpcSubnetIds", read, stage, fail), await checked("vpcSecurityGroupIds", read, stage, fail));
  if (address === "vpcAccessPolicies") return (await checked("vpcSubnetIds", read, stage, fail)).length > 0 ? [VPC_ACCESS_POLICY] : [];
  if (SPECS[address] === undefined) fail(`\${koreo:${address}}: no such Koreo parameter (known: ${Object.keys(SPECS).join(", ")})`);
  return checked(address, read, stage, fail);
}

function vpcOf(subnetIds, securityGroupIds) {
  return subnetIds.length === 0 ? false : { subnetIds, securityGroupIds };
}

async function checked(name, read, stage, fail) {
  const spec = SPECS[name];
  const value = await read(name);
  const where = `pass --param="${name}=<value>" or set params.${stage}.${name} in serverless.yml`;
  if (value === "" && spec.required) fail(`Missing required parameter "${name}": ${spec.what}; ${where}.`);
  await checkTogether(name, value, read, fail);
  return typed(name, spec, value, fail);
}

async function checkTogether(name, value, read, fail) {
  const group = TOGETHER.find((g) => g.includes(name));
  if (group === undefined) return;
  const other = group.find((n) => n !== name);
  const otherValue = await read(other);
  if ((value === "") !== (otherValue === "")) fail(`Parameters "${name}" and "${other}" go together: set both or neither.`);
}

function typed(name, spec, value, fail) {
  const bad = (expected) => fail(`Invalid parameter "${name}" = "${value}": ${expected} (${spec.what}).`);
  switch (spec.kind) {
    case "int": {
      const n = Number(value);
      if (value === "" || !Number.isInteger(n) || n < spec.min || n > spec.max) bad(`expected an integer in ${spec.min}..${spec.max}`);
      return n;
    }
    case "enum":
      if (!spec.values.includes(value)) bad(`expected one of ${spec.values.join(", ")}`);
      return value;
    case "list": {
      const items = value === "" ? [] : value.split(",").map((s) => s.trim());
      const wrong = items.find((item) => !spec.pattern.test(item));
      if (wrong !== undefined) bad(`"${wrong}" does not match ${spec.pattern}`);
      return items;
    }
    default:
      if (spec.pattern !== undefined && !spec.pattern.test(value)) bad(`expected ${spec.example ?? `a value matching ${spec.pattern}`}`);
      return value;
  }
}
