/**
 * One embedded cluster's state and behaviour, independent of HTTP: the store,
 * event history, served kinds and the services acting on them.
 */
import { BUILTIN_TYPES, INITIAL_NAMESPACES } from "./builtins.ts";
import { crdHooks } from "./crd.ts";
import { GarbageCollector } from "./gc.ts";
import { DEPLOYMENT_RESOURCE, deploymentHooks } from "./kinds/deployments.ts";
import { SERVICE_RESOURCE, serviceHooks } from "./kinds/services.ts";
import type { JsonObject } from "./json.ts";
import { JOB_RESOURCE, jobHooks } from "./kinds/jobs.ts";
import { namespaceHooks } from "./kinds/namespaces.ts";
import { POD_RESOURCE, podHooks } from "./kinds/pods.ts";
import { SECRET_RESOURCE, secretHooks } from "./kinds/secrets.ts";
import { ObjectService } from "./objects.ts";
import { ServerSideApply } from "./patch/apply.ts";
import { ResourceRegistry } from "./registry.ts";
import { ObjectStore } from "./store.ts";
import { WatchHub } from "./watch-hub.ts";

export interface ClusterLimits {
  readonly maxObjectBytes: number;
  readonly eventHistory: number;
}

export interface ClusterSnapshot {
  readonly resourceVersion: number;
  readonly objects: { resource: string; object: JsonObject }[];
}

const CRD_RESOURCE = "apiextensions.k8s.io/customresourcedefinitions";

export class Cluster {
  readonly store = new ObjectStore();
  readonly registry = new ResourceRegistry();
  readonly hub: WatchHub;
  readonly objects: ObjectService;
  readonly gc: GarbageCollector;
  readonly apply: ServerSideApply;

  constructor(limits: ClusterLimits, snapshot?: ClusterSnapshot) {
    for (const t of BUILTIN_TYPES) this.registry.add(t);
    if (snapshot !== undefined) this.restore(snapshot);
    this.hub = new WatchHub(limits.eventHistory, this.store.resourceVersion);
    this.objects = new ObjectService(this.store, this.hub, { maxObjectBytes: limits.maxObjectBytes });
    this.objects.setHooks("/namespaces", namespaceHooks);
    this.objects.setHooks(SERVICE_RESOURCE, serviceHooks(this.store));
    this.objects.setHooks(DEPLOYMENT_RESOURCE, deploymentHooks);
    this.objects.setHooks(POD_RESOURCE, podHooks);
    this.objects.setHooks(JOB_RESOURCE, jobHooks);
    this.objects.setHooks(SECRET_RESOURCE, secretHooks);
    const crds = crdHooks(this.registry, this.objects);
    this.objects.setHooks(CRD_RESOURCE, crds);
    this.gc = new GarbageCollector(this.objects, this.registry);
    this.apply = new ServerSideApply(this.objects);
    for (const crd of this.store.list(CRD_RESOURCE)) crds.committed?.(crd);
    if (snapshot === undefined) this.createInitialNamespaces();
  }

  snapshot(): ClusterSnapshot {
    return { resourceVersion: this.store.resourceVersion, objects: [...this.store.entries()] };
  }

  private restore(snapshot: ClusterSnapshot): void {
    for (const { resource, object } of snapshot.objects) this.store.put(resource, object);
    this.store.advanceTo(snapshot.resourceVersion);
  }

  private createInitialNamespaces(): void {
    const nsType = this.registry.lookup("", "v1", "namespaces")!;
    const ctx = { dryRun: false, fieldManager: "kube-apiserver", fieldValidation: "Ignore" as const, warnings: [] };
    for (const name of INITIAL_NAMESPACES) this.objects.create(nsType, { apiVersion: "v1", kind: "Namespace", metadata: { name } }, ctx);
  }
}
