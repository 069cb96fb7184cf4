/**
 * Service address allocation from a service CIDR, as kube-apiserver's IP and
 * node-port allocators do. Nothing is reserved ahead: "in use" is read off the
 * stored Services each time, so a delete releases an address and a dry run
 * never leaks one.
 */

export interface Cidr {
  readonly text: string;
  /** First address as a 32-bit number. */
  readonly base: number;
  readonly size: number;
}

export const SERVICE_CIDR = parseCidr("10.96.0.0/12");
/** kube-apiserver's default --service-node-port-range. */
export const NODE_PORTS = { first: 30000, last: 32767 } as const;

export function parseCidr(text: string): Cidr {
  const [ip, bits] = text.split("/") as [string, string];
  const prefix = Number(bits);
  const size = 2 ** (32 - prefix);
  return { text, base: Math.floor(ipToNumber(ip)! / size) * size, size };
}

export function ipToNumber(ip: string): number | undefined {
  const parts = ip.split(".");
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

function numberToIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
}

/** Network and broadcast addresses are never handed out; the first host goes to the `kubernetes` Service on real clusters. */
export function inRange(cidr: Cidr, ip: string): boolean {
  const n = ipToNumber(ip);
  return n !== undefined && n > cidr.base && n < cidr.base + cidr.size - 1;
}

/** A free address, probing from a random start as the real allocator does. */
export function allocateIp(cidr: Cidr, used: ReadonlySet<string>, random: () => number = Math.random): string | undefined {
  const hosts = cidr.size - 3;
  const start = Math.floor(random() * hosts);
  for (let i = 0; i < hosts; i++) {
    const ip = numberToIp(cidr.base + 2 + ((start + i) % hosts));
    if (!used.has(ip)) return ip;
  }
  return undefined;
}

export function allocatePort(used: ReadonlySet<number>, random: () => number = Math.random): number | undefined {
  const count = NODE_PORTS.last - NODE_PORTS.first + 1;
  const start = Math.floor(random() * count);
  for (let i = 0; i < count; i++) {
    const port = NODE_PORTS.first + ((start + i) % count);
    if (!used.has(port)) return port;
  }
  return undefined;
}
