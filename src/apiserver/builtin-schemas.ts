/**
 * Minimal OpenAPI v3 schemas for the built-in kinds, so `kubectl explain
 * deployment.spec` walks real fields. They cover what people usually write, not
 * every field; nothing validates against them (the server keeps built-in objects
 * as sent, and kubectl leaves validation to the server).
 */
import type { JsonObject } from "./json.ts";

const str = (description: string): JsonObject => ({ type: "string", description });
const int = (description: string): JsonObject => ({ type: "integer", format: "int32", description });
const bool = (description: string): JsonObject => ({ type: "boolean", description });
const time = (description: string): JsonObject => ({ type: "string", format: "date-time", description });
// As kube-apiserver's IntOrString schema (type string, format int-or-string).
const intOrString = (description: string): JsonObject => ({ type: "string", format: "int-or-string", description });
const strings = (description: string): JsonObject => ({ type: "array", description, items: { type: "string" } });
const stringMap = (description: string): JsonObject => ({ type: "object", description, additionalProperties: { type: "string" } });
const list = (description: string, items: JsonObject): JsonObject => ({ type: "array", description, items });
const obj = (description: string, properties: Record<string, JsonObject>, required: string[] = []): JsonObject => ({
  type: "object",
  description,
  properties,
  ...(required.length === 0 ? {} : { required }),
});
/** A field whose shape is left open here. */
const open = (description: string): JsonObject => ({ type: "object", description, "x-kubernetes-preserve-unknown-fields": true });

const METADATA = open("Standard object's metadata: name, namespace, labels, annotations, ownerReferences, …");

const conditions = (of: string): JsonObject =>
  list(
    `The latest available observations of the ${of}'s current state.`,
    obj("One observation.", {
      type: str("Type of the condition."),
      status: str("Status of the condition: True, False or Unknown."),
      reason: str("One-word CamelCase reason for the last transition."),
      message: str("Human-readable details about the last transition."),
      lastTransitionTime: time("When the condition last changed status."),
    }),
  );

const LABEL_SELECTOR = obj("A label query over a set of objects; empty matches everything.", {
  matchLabels: stringMap("Labels that must all be present with these values."),
  matchExpressions: list(
    "Requirements on labels, all of which must hold.",
    obj(
      "One label requirement.",
      { key: str("The label key."), operator: str("In, NotIn, Exists or DoesNotExist."), values: strings("Values for In and NotIn.") },
      ["key", "operator"],
    ),
  ),
});

const RESOURCES = obj("Compute resources the container needs.", {
  limits: stringMap("Maximum amounts (cpu, memory, …) the container may use."),
  requests: stringMap("Amounts the scheduler reserves for the container."),
});

const CONTAINER = obj(
  "A single application container.",
  {
    name: str("Name of the container, unique within the pod (DNS label)."),
    image: str("Container image name."),
    command: strings("Entrypoint array; the image's ENTRYPOINT when not set."),
    args: strings("Arguments to the entrypoint; the image's CMD when not set."),
    workingDir: str("Working directory; the image's when not set."),
    env: list(
      "Environment variables to set.",
      obj("One variable.", { name: str("Variable name."), value: str("Variable value."), valueFrom: open("A source for the value.") }, ["name"]),
    ),
    envFrom: list("Sources of environment variables (ConfigMaps, Secrets).", open("One source.")),
    ports: list(
      "Ports the container exposes.",
      obj(
        "One port.",
        { name: str("Port name (IANA_SVC_NAME)."), containerPort: int("Port number on the pod's IP."), protocol: str("TCP (default), UDP or SCTP.") },
        ["containerPort"],
      ),
    ),
    resources: RESOURCES,
    imagePullPolicy: str("Always, Never or IfNotPresent; Always for :latest or untagged images."),
    volumeMounts: list("Volumes to mount into the container.", open("One mount.")),
    livenessProbe: open("When to restart the container."),
    readinessProbe: open("When the container is ready for traffic."),
    securityContext: open("Security options for this container."),
  },
  ["name"],
);

const POD_SPEC = obj(
  "Specification of a pod's desired behaviour.",
  {
    containers: list("Containers of the pod; at least one.", CONTAINER),
    initContainers: list("Containers run to completion, in order, before the others start.", CONTAINER),
    restartPolicy: str("Always (default), OnFailure or Never."),
    serviceAccountName: str("ServiceAccount the pod runs as."),
    nodeSelector: stringMap("Node labels the pod's node must have."),
    nodeName: str("Node the pod is bound to."),
    terminationGracePeriodSeconds: int("Seconds given to stop gracefully; 30 by default."),
    dnsPolicy: str("ClusterFirst (default), ClusterFirstWithHostNet, Default or None."),
    schedulerName: str("Scheduler that places the pod."),
    securityContext: open("Pod-level security attributes."),
    volumes: list("Volumes the containers may mount.", open("One volume.")),
    tolerations: list("Taints the pod tolerates.", open("One toleration.")),
    affinity: open("Scheduling constraints."),
  },
  ["containers"],
);

const POD_TEMPLATE = obj("Describes the pods that will be created.", { metadata: METADATA, spec: POD_SPEC });

const DEPLOYMENT = obj("Deployment enables declarative updates for Pods and ReplicaSets.", {
  spec: obj(
    "Specification of the desired behaviour of the Deployment.",
    {
      replicas: int("Number of desired pods; 1 by default."),
      selector: LABEL_SELECTOR,
      template: POD_TEMPLATE,
      strategy: obj("How to replace existing pods with new ones.", {
        type: str("Recreate or RollingUpdate (default)."),
        rollingUpdate: obj("Rolling update parameters, when type is RollingUpdate.", {
          maxSurge: intOrString("Pods that may be created above the desired number; 25% by default."),
          maxUnavailable: intOrString("Pods that may be unavailable during the update; 25% by default."),
        }),
      }),
      minReadySeconds: int("Seconds a new pod must be ready to count as available; 0 by default."),
      revisionHistoryLimit: int("Old ReplicaSets kept for rollback; 10 by default."),
      paused: bool("Whether the deployment is paused."),
      progressDeadlineSeconds: int("Seconds before a stalled rollout is reported failed; 600 by default."),
    },
    ["selector", "template"],
  ),
  status: obj("Most recently observed status of the Deployment.", {
    observedGeneration: int("The generation observed by the deployment controller."),
    replicas: int("Non-terminated pods targeted by this deployment."),
    updatedReplicas: int("Pods with the desired template."),
    readyReplicas: int("Pods with a Ready condition."),
    availableReplicas: int("Pods ready for at least minReadySeconds."),
    unavailableReplicas: int("Pods still needed for 100% availability."),
    conditions: conditions("deployment"),
  }),
});

const POD = obj("Pod is a collection of containers that can run on a host.", {
  spec: POD_SPEC,
  status: obj("Most recently observed status of the pod.", {
    phase: str("Pending, Running, Succeeded, Failed or Unknown."),
    conditions: conditions("pod"),
    hostIP: str("IP of the node the pod runs on."),
    podIP: str("IP allocated to the pod."),
    startTime: time("When the kubelet acknowledged the pod."),
    containerStatuses: list("Status of each container.", open("One container's status.")),
    qosClass: str("Guaranteed, Burstable or BestEffort."),
  }),
});

const JOB = obj("Job represents the configuration of a single job.", {
  spec: obj(
    "Specification of the desired behaviour of the job.",
    {
      parallelism: int("Pods running at any one time; 1 by default."),
      completions: int("Successful pods needed; 1 by default."),
      backoffLimit: int("Retries before the job is marked failed; 6 by default."),
      activeDeadlineSeconds: int("Seconds the job may stay active before it is terminated."),
      ttlSecondsAfterFinished: int("Seconds after finishing before the job is deleted."),
      suspend: bool("Whether the job's pods should not be running."),
      completionMode: str("NonIndexed (default) or Indexed."),
      selector: LABEL_SELECTOR,
      template: POD_TEMPLATE,
    },
    ["template"],
  ),
  status: obj("Current status of the job.", {
    active: int("Pending and running pods."),
    succeeded: int("Pods that succeeded."),
    failed: int("Pods that failed."),
    startTime: time("When the job controller started the job."),
    completionTime: time("When the job completed."),
    conditions: conditions("job"),
  }),
});

const SERVICE = obj("Service is a named abstraction of a software service: a port the proxy listens on and the pods it forwards to.", {
  spec: obj("Behaviour of the service.", {
    type: str("ClusterIP (default), NodePort, LoadBalancer or ExternalName."),
    selector: stringMap("Pods with these labels receive the traffic."),
    ports: list(
      "Ports the service exposes.",
      obj(
        "One service port.",
        {
          name: str("Port name, required when there are several."),
          protocol: str("TCP (default), UDP or SCTP."),
          port: int("Port the service exposes."),
          targetPort: intOrString("Number or name of the port on the pods; the same as port by default."),
          nodePort: int("Port on every node, for NodePort and LoadBalancer services."),
          appProtocol: str("Application protocol of this port."),
        },
        ["port"],
      ),
    ),
    clusterIP: str("Virtual IP of the service; allocated when empty, None for a headless service."),
    clusterIPs: strings("Cluster IPs, one per IP family."),
    externalIPs: strings("Extra IPs the nodes accept traffic for."),
    externalName: str("DNS name returned for ExternalName services."),
    sessionAffinity: str("ClientIP or None (default)."),
    ipFamilies: strings("IP families of the service (IPv4, IPv6)."),
    ipFamilyPolicy: str("SingleStack, PreferDualStack or RequireDualStack."),
    internalTrafficPolicy: str("Cluster (default) or Local."),
  }),
  status: obj("Most recently observed status of the service.", { loadBalancer: open("Status of the load balancer, if any.") }),
});

const SCHEMAS: Readonly<Record<string, JsonObject>> = {
  Deployment: DEPLOYMENT,
  Pod: POD,
  Job: JOB,
  Service: SERVICE,
  ConfigMap: obj("ConfigMap holds configuration data for pods to consume.", {
    data: stringMap("UTF-8 configuration data."),
    binaryData: stringMap("Binary configuration data, base64-encoded."),
    immutable: bool("When true, data cannot be changed."),
  }),
  Secret: obj("Secret holds secret data of a certain type.", {
    data: stringMap("Secret data, base64-encoded."),
    stringData: stringMap("Write-only plain-text data, merged into data."),
    type: str("Type of the secret; Opaque by default."),
    immutable: bool("When true, data cannot be changed."),
  }),
  Namespace: obj("Namespace provides a scope for names.", {
    spec: obj("Behaviour of the namespace.", { finalizers: strings("Finalizers that must run before the namespace is removed.") }),
    status: obj("Status of the namespace.", { phase: str("Active or Terminating.") }),
  }),
  ServiceAccount: obj("ServiceAccount binds together a name that pods can run as and the secrets they may use.", {
    secrets: list("Secrets pods running as this account may use.", open("A reference to a secret.")),
    imagePullSecrets: list("Secrets for pulling images.", obj("A reference to a secret.", { name: str("Name of the secret.") })),
    automountServiceAccountToken: bool("Whether pods mount an API token automatically."),
  }),
  Event: obj("Event is a report of an event somewhere in the cluster.", {
    involvedObject: open("The object this event is about."),
    reason: str("Short, machine-understandable reason for the transition."),
    message: str("Human-readable description."),
    type: str("Normal or Warning."),
    count: int("Times this event has occurred."),
    firstTimestamp: time("When the event was first recorded."),
    lastTimestamp: time("When the event last occurred."),
    source: open("The component reporting this event."),
  }),
};

/** The schema published for a built-in kind, if it has one. */
export function builtinSchema(kind: string): JsonObject | undefined {
  return SCHEMAS[kind];
}
