/**
 * Field tables for the Kubernetes protobuf messages kubectl's typed clients send
 * (`kubectl create namespace|configmap|secret|serviceaccount|deployment|service|job`,
 * `kubectl run`, `kubectl scale`). No .proto files ship with this project, so each
 * message lists its fields as "<number> <jsonName> <type>", with types:
 *
 *   string | bytes | int | bool            scalars (int covers int32 and int64)
 *   time | quantity | intstr | fieldsV1    apimachinery wrappers, decoded to their JSON forms
 *   <Message>                              another message of this table
 *   []T                                    repeated field
 *   map<T>                                 map<string, T>
 *   trailing "?"                           a Go pointer: a zero value was set on purpose and is kept
 *
 * Numbers follow k8s.io/api's generated.proto. Messages list every non-pointer field
 * (go-to-protobuf writes those even when empty) and the pointer fields a user can set
 * with the generators' flags; anything else is refused by the decoder, naming the field.
 */

export type Scalar = "string" | "bytes" | "int" | "bool" | "time" | "quantity" | "intstr" | "fieldsV1";

export interface FieldSpec {
  readonly name: string;
  /** A Scalar or the name of a message in MESSAGES. */
  readonly type: string;
  readonly repeated: boolean;
  readonly map: boolean;
  readonly pointer: boolean;
}

export const SCALARS: ReadonlySet<string> = new Set<Scalar>(["string", "bytes", "int", "bool", "time", "quantity", "intstr", "fieldsV1"]);

const RAW_MESSAGES: Record<string, readonly string[]> = {
  // k8s.io.apimachinery.pkg.apis.meta.v1
  ObjectMeta: [
    "1 name string",
    "2 generateName string",
    "3 namespace string",
    "4 selfLink string",
    "5 uid string",
    "6 resourceVersion string",
    "7 generation int",
    "8 creationTimestamp time",
    "9 deletionTimestamp time?",
    "10 deletionGracePeriodSeconds int?",
    "11 labels map<string>",
    "12 annotations map<string>",
    "13 ownerReferences []OwnerReference",
    "14 finalizers []string",
    "17 managedFields []ManagedFieldsEntry",
  ],
  OwnerReference: ["1 kind string", "3 name string", "4 uid string", "5 apiVersion string", "6 controller bool?", "7 blockOwnerDeletion bool?"],
  ManagedFieldsEntry: [
    "1 manager string",
    "2 operation string",
    "3 apiVersion string",
    "4 time time?",
    "6 fieldsType string",
    "7 fieldsV1 fieldsV1?",
    "8 subresource string",
  ],
  LabelSelector: ["1 matchLabels map<string>", "2 matchExpressions []LabelSelectorRequirement"],
  LabelSelectorRequirement: ["1 key string", "2 operator string", "3 values []string"],
  Condition: ["1 type string", "2 status string", "3 observedGeneration int", "4 lastTransitionTime time", "5 reason string", "6 message string"],

  // k8s.io.api.core.v1
  Namespace: ["1 metadata ObjectMeta", "2 spec NamespaceSpec", "3 status NamespaceStatus"],
  NamespaceSpec: ["1 finalizers []string"],
  NamespaceStatus: ["1 phase string"],
  ConfigMap: ["1 metadata ObjectMeta", "2 data map<string>", "3 binaryData map<bytes>", "4 immutable bool?"],
  Secret: ["1 metadata ObjectMeta", "2 data map<bytes>", "3 type string", "4 stringData map<string>", "5 immutable bool?"],
  ServiceAccount: ["1 metadata ObjectMeta", "2 secrets []ObjectReference", "3 imagePullSecrets []LocalObjectReference", "4 automountServiceAccountToken bool?"],
  ObjectReference: [
    "1 kind string",
    "2 namespace string",
    "3 name string",
    "4 uid string",
    "5 apiVersion string",
    "6 resourceVersion string",
    "7 fieldPath string",
  ],
  LocalObjectReference: ["1 name string"],
  Service: ["1 metadata ObjectMeta", "2 spec ServiceSpec", "3 status ServiceStatus"],
  ServiceSpec: [
    "1 ports []ServicePort",
    "2 selector map<string>",
    "3 clusterIP string",
    "4 type string",
    "5 externalIPs []string",
    "7 sessionAffinity string",
    "8 loadBalancerIP string",
    "9 loadBalancerSourceRanges []string",
    "10 externalName string",
    "11 externalTrafficPolicy string",
    "12 healthCheckNodePort int",
    "13 publishNotReadyAddresses bool",
    "17 ipFamilyPolicy string?",
    "18 clusterIPs []string",
    "19 ipFamilies []string",
    "20 allocateLoadBalancerNodePorts bool?",
    "21 loadBalancerClass string?",
    "22 internalTrafficPolicy string?",
  ],
  ServicePort: ["1 name string", "2 protocol string", "3 port int", "4 targetPort intstr", "5 nodePort int", "6 appProtocol string?"],
  ServiceStatus: ["1 loadBalancer LoadBalancerStatus", "2 conditions []Condition"],
  LoadBalancerStatus: ["1 ingress []LoadBalancerIngress"],
  LoadBalancerIngress: ["1 ip string", "2 hostname string"],
  Pod: ["1 metadata ObjectMeta", "2 spec PodSpec", "3 status PodStatus"],
  PodTemplateSpec: ["1 metadata ObjectMeta", "2 spec PodSpec"],
  PodSpec: [
    "2 containers []Container",
    "3 restartPolicy string",
    "4 terminationGracePeriodSeconds int?",
    "5 activeDeadlineSeconds int?",
    "6 dnsPolicy string",
    "7 nodeSelector map<string>",
    "8 serviceAccountName string",
    "9 serviceAccount string",
    "10 nodeName string",
    "11 hostNetwork bool",
    "12 hostPID bool",
    "13 hostIPC bool",
    "14 securityContext PodSecurityContext?",
    "15 imagePullSecrets []LocalObjectReference",
    "16 hostname string",
    "17 subdomain string",
    "19 schedulerName string",
    "20 initContainers []Container",
    "21 automountServiceAccountToken bool?",
    "24 priorityClassName string",
    "25 priority int?",
    "29 runtimeClassName string?",
    "30 enableServiceLinks bool?",
    "31 preemptionPolicy string?",
  ],
  PodSecurityContext: ["2 runAsUser int?", "3 runAsNonRoot bool?", "5 fsGroup int?", "6 runAsGroup int?"],
  Container: [
    "1 name string",
    "2 image string",
    "3 command []string",
    "4 args []string",
    "5 workingDir string",
    "6 ports []ContainerPort",
    "7 env []EnvVar",
    "8 resources ResourceRequirements",
    "13 terminationMessagePath string",
    "14 imagePullPolicy string",
    "16 stdin bool",
    "17 stdinOnce bool",
    "18 tty bool",
    "20 terminationMessagePolicy string",
    "24 restartPolicy string?",
  ],
  ContainerPort: ["1 name string", "2 hostPort int", "3 containerPort int", "4 protocol string", "5 hostIP string"],
  EnvVar: ["1 name string", "2 value string"],
  ResourceRequirements: ["1 limits map<quantity>", "2 requests map<quantity>"],
  PodStatus: [
    "1 phase string",
    "3 message string",
    "4 reason string",
    "5 hostIP string",
    "6 podIP string",
    "7 startTime time?",
    "9 qosClass string",
    "11 nominatedNodeName string",
    "14 resize string",
  ],

  // k8s.io.api.apps.v1
  Deployment: ["1 metadata ObjectMeta", "2 spec DeploymentSpec", "3 status DeploymentStatus"],
  DeploymentSpec: [
    "1 replicas int?",
    "2 selector LabelSelector?",
    "3 template PodTemplateSpec",
    "4 strategy DeploymentStrategy",
    "5 minReadySeconds int",
    "6 revisionHistoryLimit int?",
    "7 paused bool",
    "9 progressDeadlineSeconds int?",
  ],
  DeploymentStrategy: ["1 type string", "2 rollingUpdate RollingUpdateDeployment?"],
  RollingUpdateDeployment: ["1 maxUnavailable intstr?", "2 maxSurge intstr?"],
  DeploymentStatus: [
    "1 observedGeneration int",
    "2 replicas int",
    "3 updatedReplicas int",
    "4 availableReplicas int",
    "5 unavailableReplicas int",
    "6 conditions []DeploymentCondition",
    "7 readyReplicas int",
    "8 collisionCount int?",
  ],
  DeploymentCondition: ["1 type string", "2 status string", "4 reason string", "5 message string", "6 lastUpdateTime time", "7 lastTransitionTime time"],

  // k8s.io.api.batch.v1
  Job: ["1 metadata ObjectMeta", "2 spec JobSpec", "3 status JobStatus"],
  JobSpec: [
    "1 parallelism int?",
    "2 completions int?",
    "3 activeDeadlineSeconds int?",
    "4 selector LabelSelector?",
    "5 manualSelector bool?",
    "6 template PodTemplateSpec",
    "7 backoffLimit int?",
    "8 ttlSecondsAfterFinished int?",
    "9 completionMode string?",
    "10 suspend bool?",
  ],
  JobStatus: ["2 startTime time?", "3 completionTime time?", "4 active int", "5 succeeded int", "6 failed int", "7 completedIndexes string"],

  // k8s.io.api.autoscaling.v1
  Scale: ["1 metadata ObjectMeta", "2 spec ScaleSpec", "3 status ScaleStatus"],
  ScaleSpec: ["1 replicas int"],
  ScaleStatus: ["1 replicas int", "2 selector string"],

  // the envelope: k8s.io.apimachinery.pkg.runtime.Unknown
  Unknown: ["1 typeMeta TypeMeta", "2 raw bytes", "3 contentEncoding string", "4 contentType string"],
  TypeMeta: ["1 apiVersion string", "2 kind string"],
};

/** The top-level message of each apiVersion/kind a protobuf body may carry. */
export const KIND_MESSAGES: Readonly<Record<string, string>> = {
  "v1/Namespace": "Namespace",
  "v1/ConfigMap": "ConfigMap",
  "v1/Secret": "Secret",
  "v1/ServiceAccount": "ServiceAccount",
  "v1/Service": "Service",
  "v1/Pod": "Pod",
  "apps/v1/Deployment": "Deployment",
  "batch/v1/Job": "Job",
  "autoscaling/v1/Scale": "Scale",
};

const FIELD = /^(\d+) (\w+) (\[\]|map<)?(\w+)(>)?(\?)?$/;

export function parseField(text: string): [number, FieldSpec] {
  const m = FIELD.exec(text);
  if (m === null) throw new Error(`bad protobuf field spec "${text}"`);
  const [, num, name, wrapper, type] = m as unknown as [string, string, string, string | undefined, string];
  return [Number(num), { name, type, repeated: wrapper === "[]", map: wrapper === "map<", pointer: m[6] === "?" }];
}

function compile(raw: Record<string, readonly string[]>): ReadonlyMap<string, ReadonlyMap<number, FieldSpec>> {
  const out = new Map<string, Map<number, FieldSpec>>();
  for (const [message, fields] of Object.entries(raw)) out.set(message, new Map(fields.map(parseField)));
  for (const [message, fields] of out)
    for (const f of fields.values())
      if (!SCALARS.has(f.type) && !out.has(f.type)) throw new Error(`protobuf table: ${message}.${f.name} names unknown message ${f.type}`);
  return out;
}

export const MESSAGES = compile(RAW_MESSAGES);
