/**
 * The certificates an HTTPS API server starts with. With a directory they are
 * kept there (`ca.crt`, `ca.key`, `tls.crt`, `tls.key`) and reused on restart,
 * so kubeconfigs handed out earlier stay valid; whatever is missing, unreadable,
 * expired or about to expire, not for the names asked, or not signed by the kept
 * CA is issued again (a new CA also means a new serving certificate). Without a
 * directory they are issued per start.
 */
import { X509Certificate, createPrivateKey } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import { join } from "node:path";
import type { Logger } from "../../ports/index.ts";
import type { CertificateAndKey, ServingNames } from "./certificates.ts";

export interface ServingCertificates {
  /** The CA's certificate, PEM: what clients trust (kubeconfig `certificate-authority-data`). */
  readonly ca: string;
  /** The serving certificate and its key, PEM. */
  readonly serving: CertificateAndKey;
  /** What this start had to issue: nothing (all reused), the serving certificate, or both. */
  readonly issued: "none" | "serving" | "ca-and-serving";
}

export interface ServingCertificateOptions {
  readonly dir?: string;
  readonly names: ServingNames;
  readonly now?: Date;
  readonly logger: Logger;
}

const WILDCARD_HOSTS = new Set(["", "0.0.0.0", "::"]);

/** Whether binding `host` listens on every interface (clients then reach it as 127.0.0.1). */
export function isWildcardHost(host: string): boolean {
  return WILDCARD_HOSTS.has(host);
}

/** 127.0.0.1, ::1 and localhost always; the bind address too when it names one interface (a wildcard's URL uses 127.0.0.1). */
export function servingNamesFor(host: string): ServingNames {
  const ips = new Set(["127.0.0.1", "::1"]);
  const dns = new Set(["localhost"]);
  if (!isWildcardHost(host)) (isIP(host) === 0 ? dns : ips).add(host);
  return { ips: [...ips], dns: [...dns] };
}

/** Reissued this long before they expire, so a server started now does not outlive its certificate for a while. */
const RENEW_BEFORE_MS = 7 * 86_400_000;
const FILES = { caCert: "ca.crt", caKey: "ca.key", cert: "tls.crt", key: "tls.key" } as const;

type Usable = { ok: true; pair: CertificateAndKey; cert: X509Certificate } | { ok: false; why: string };

function read(dir: string, certFile: string, keyFile: string): Usable {
  const certPath = join(dir, certFile);
  const keyPath = join(dir, keyFile);
  if (!existsSync(certPath) || !existsSync(keyPath)) return { ok: false, why: "missing" };
  try {
    const pair = { cert: readFileSync(certPath, "utf8"), key: readFileSync(keyPath, "utf8") };
    const cert = new X509Certificate(pair.cert);
    if (!cert.checkPrivateKey(createPrivateKey(pair.key))) return { ok: false, why: "key does not match certificate" };
    return { ok: true, pair, cert };
  } catch (error) {
    return { ok: false, why: `unreadable: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** Why `cert` cannot be used at `now`, or undefined when it can. */
function timeProblem(cert: X509Certificate, now: Date): string | undefined {
  if (Date.parse(cert.validFrom) > now.getTime()) return `not valid before ${cert.validFrom}`;
  if (Date.parse(cert.validTo) - RENEW_BEFORE_MS <= now.getTime()) return `expires ${cert.validTo}`;
  return undefined;
}

function namesProblem(cert: X509Certificate, names: ServingNames): string | undefined {
  const missing = [
    ...names.ips.filter((ip) => cert.checkIP(ip) === undefined),
    ...names.dns.filter((dns) => cert.checkHost(dns, { subject: "never" }) === undefined),
  ];
  return missing.length === 0 ? undefined : `not valid for ${missing.join(", ")}`;
}

function usableCa(dir: string | undefined, now: Date): Usable {
  if (dir === undefined) return { ok: false, why: "no data directory" };
  const ca = read(dir, FILES.caCert, FILES.caKey);
  if (!ca.ok) return ca;
  const problem = timeProblem(ca.cert, now) ?? (ca.cert.ca ? undefined : "not a CA");
  return problem === undefined ? ca : { ok: false, why: problem };
}

function usableServing(dir: string, ca: X509Certificate, names: ServingNames, now: Date): Usable {
  const serving = read(dir, FILES.cert, FILES.key);
  if (!serving.ok) return serving;
  const problem =
    timeProblem(serving.cert, now) ?? namesProblem(serving.cert, names) ?? (serving.cert.verify(ca.publicKey) ? undefined : "not signed by the kept CA");
  return problem === undefined ? serving : { ok: false, why: problem };
}

function write(dir: string, certFile: string, keyFile: string, pair: CertificateAndKey): void {
  writeFileSync(join(dir, certFile), pair.cert, { mode: 0o644 });
  writeFileSync(join(dir, keyFile), pair.key, { mode: 0o600 });
  chmodSync(join(dir, keyFile), 0o600); // mode applies only when the file is created
}

export async function servingCertificates(options: ServingCertificateOptions): Promise<ServingCertificates> {
  const { dir, names, logger } = options;
  const now = options.now ?? new Date();
  const kept = usableCa(dir, now);
  if (kept.ok && dir !== undefined) {
    const serving = usableServing(dir, kept.cert, names, now);
    if (serving.ok) return { ca: kept.pair.cert, serving: serving.pair, issued: "none" };
    logger.info("apiserver issuing a new serving certificate", { dir, reason: serving.why });
  }
  if (!kept.ok && dir !== undefined) logger.info("apiserver issuing a new CA and serving certificate", { dir, reason: kept.why });

  // Loaded only when something must be issued: plain HTTP and reused certificates never pay for it.
  const { issueCertificateAuthority, issueServingCertificate } = await import("./certificates.ts");
  const ca = kept.ok ? kept.pair : await issueCertificateAuthority(now);
  const serving = await issueServingCertificate(ca, names, now);
  if (dir !== undefined) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!kept.ok) write(dir, FILES.caCert, FILES.caKey, ca);
    write(dir, FILES.cert, FILES.key, serving);
  }
  return { ca: ca.cert, serving, issued: kept.ok ? "serving" : "ca-and-serving" };
}
