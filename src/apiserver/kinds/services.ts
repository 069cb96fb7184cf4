/**
 * Service defaulting and address allocation, as kube-apiserver's Service REST
 * storage does: type, ports, a ClusterIP from the service CIDR (kept for the
 * Service's life, released on delete), node ports for NodePort/LoadBalancer.
 */
import { invalid } from "../errors.ts";
import { isObject, meta, str, type Json, type JsonObject } from "../json.ts";
import type { KindHooks } from "../objects.ts";
import type { ObjectStore } from "../store.ts";
import { allocateIp, allocatePort, inRange, SERVICE_CIDR } from "./service-ips.ts";

export const SERVICE_RESOURCE = "/services";

interface Invalid {
  field: string;
  message: string;
}

function specOf(obj: JsonObject | undefined): JsonObject {
  return obj !== undefined && isObject(obj["spec"]) ? obj["spec"] : {};
}

function portsOf(spec: JsonObject): JsonObject[] {
  return Array.isArray(spec["ports"]) ? spec["ports"].filter(isObject) : [];
}

function sameObject(a: JsonObject, b: JsonObject): boolean {
  return meta(a)["namespace"] === meta(b)["namespace"] && meta(a)["name"] === meta(b)["name"];
}

/** Addresses and node ports held by every other stored Service. */
function inUse(store: ObjectStore, self: JsonObject): { ips: Set<string>; ports: Set<number> } {
  const ips = new Set<string>();
  const ports = new Set<number>();
  for (const svc of store.list(SERVICE_RESOURCE)) {
    if (sameObject(svc, self)) continue;
    const spec = specOf(svc);
    const ip = str(spec["clusterIP"]);
    if (ip !== undefined) ips.add(ip);
    for (const p of portsOf(spec)) if (typeof p["nodePort"] === "number") ports.add(p["nodePort"]);
  }
  return { ips, ports };
}

/** Fields a client may omit on update; the allocated values stay, as in kube-apiserver's patchAllocatedValues. */
function keepAllocated(spec: JsonObject, oldSpec: JsonObject): void {
  if ((spec["clusterIP"] ?? "") === "" && oldSpec["clusterIP"] !== undefined) {
    spec["clusterIP"] = oldSpec["clusterIP"]!;
    if (oldSpec["clusterIPs"] !== undefined) spec["clusterIPs"] = oldSpec["clusterIPs"]!;
  }
  const oldPorts = portsOf(oldSpec);
  spec["ports"] = portsOf(spec).map((p) => {
    const before = oldPorts.find((o) => o["port"] === p["port"] && (o["protocol"] ?? "TCP") === (p["protocol"] ?? "TCP"));
    return p["nodePort"] === undefined && before?.["nodePort"] !== undefined ? { ...p, nodePort: before["nodePort"] } : p;
  });
}

/** Keeps, checks or allocates the ClusterIP; `previous` is the stored Service's, which may not change. */
function clusterIp(spec: JsonObject, previous: string | undefined, used: Set<string>, errors: Invalid[]): void {
  const requested = str(spec["clusterIP"]) ?? "";
  if (previous !== undefined && requested !== previous) {
    errors.push({ field: "spec.clusterIPs[0]", message: `Invalid value: []string{"${requested}"}: may not change once set` });
    return;
  }
  if (requested === "None") {
    spec["clusterIPs"] = ["None"];
    return;
  }
  if (requested === "") {
    const ip = allocateIp(SERVICE_CIDR, used);
    if (ip === undefined) errors.push({ field: "spec.clusterIPs", message: `Internal error: range is full (${SERVICE_CIDR.text})` });
    else spec["clusterIP"] = ip;
  } else if (previous === undefined && !inRange(SERVICE_CIDR, requested)) {
    errors.push({
      field: "spec.clusterIPs",
      message: `Invalid value: []string{"${requested}"}: failed to allocate IP ${requested}: the provided IP (${requested}) is not in the valid range. The range of valid IPs is ${SERVICE_CIDR.text}`,
    });
  } else if (previous === undefined && used.has(requested)) {
    errors.push({
      field: "spec.clusterIPs",
      message: `Invalid value: []string{"${requested}"}: failed to allocate IP ${requested}: provided IP is already allocated`,
    });
  }
  if (spec["clusterIP"] !== undefined) spec["clusterIPs"] = [spec["clusterIP"]!];
}

function defaultPorts(spec: JsonObject, wantsNodePorts: boolean, used: Set<number>, errors: Invalid[]): void {
  spec["ports"] = portsOf(spec).map((p, i): JsonObject => {
    const port: JsonObject = { ...p, protocol: p["protocol"] ?? "TCP", targetPort: p["targetPort"] ?? p["port"] ?? null };
    if (!wantsNodePorts) return port;
    if (typeof port["nodePort"] !== "number") {
      const allocated = allocatePort(used);
      if (allocated === undefined) errors.push({ field: `spec.ports[${i}].nodePort`, message: "Internal error: range is full" });
      else port["nodePort"] = allocated;
    } else if (used.has(port["nodePort"])) {
      errors.push({ field: `spec.ports[${i}].nodePort`, message: `Invalid value: ${port["nodePort"]}: provided port is already allocated` });
    }
    if (typeof port["nodePort"] === "number") used.add(port["nodePort"]);
    return port;
  });
}

function defaultSpec(spec: JsonObject): void {
  const defaults: Record<string, Json> = { type: "ClusterIP", sessionAffinity: "None" };
  for (const [k, v] of Object.entries(defaults)) if (spec[k] === undefined) spec[k] = v;
  if (spec["type"] === "ExternalName") return;
  const routed: Record<string, Json> = { ipFamilies: ["IPv4"], ipFamilyPolicy: "SingleStack", internalTrafficPolicy: "Cluster" };
  for (const [k, v] of Object.entries(routed)) if (spec[k] === undefined) spec[k] = v;
  if (spec["type"] === "NodePort" || spec["type"] === "LoadBalancer") spec["externalTrafficPolicy"] ??= "Cluster";
  if (spec["type"] === "LoadBalancer") spec["allocateLoadBalancerNodePorts"] ??= true;
}

export function serviceHooks(store: ObjectStore): KindHooks {
  return {
    prepare(obj, old) {
      const spec: JsonObject = { ...specOf(obj) };
      const oldSpec = old === undefined ? undefined : specOf(old);
      defaultSpec(spec);
      const routed = spec["type"] !== "ExternalName";
      // Turning into an ExternalName Service gives its address back.
      if (oldSpec !== undefined && routed) keepAllocated(spec, oldSpec);
      const used = inUse(store, obj);
      const errors: Invalid[] = [];
      if (routed) clusterIp(spec, str(oldSpec?.["clusterIP"]), used.ips, errors);
      else {
        delete spec["clusterIP"];
        delete spec["clusterIPs"];
      }
      defaultPorts(spec, spec["type"] === "NodePort" || spec["type"] === "LoadBalancer", used.ports, errors);
      if (errors.length > 0) throw invalid("Service", str(meta(obj)["name"]) ?? "", errors);
      obj["spec"] = spec;
      if (!isObject(obj["status"])) obj["status"] = { loadBalancer: {} };
    },
  };
}
