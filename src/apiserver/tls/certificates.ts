/**
 * Issues the embedded server's certificates: a self-signed CA and a serving
 * certificate it signs, both ECDSA P-256 (fast to make, accepted by kubectl's
 * Go TLS and Node's OpenSSL). Node's crypto can sign but cannot build X.509, so
 * the certificates are assembled by @peculiar/x509 over Node's WebCrypto.
 */
import "reflect-metadata"; // @peculiar/x509 2.x resolves its algorithms through tsyringe, which needs this polyfill loaded first.
import * as x509 from "@peculiar/x509";
import { randomBytes, webcrypto } from "node:crypto";

/** A certificate and its private key, both PEM (the key as PKCS #8). */
export interface CertificateAndKey {
  readonly cert: string;
  readonly key: string;
}

/** What a serving certificate must be valid for. */
export interface ServingNames {
  readonly ips: readonly string[];
  readonly dns: readonly string[];
}

const ALGORITHM = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const DAY_MS = 86_400_000;
/** Covers clocks that run a little behind the one that issued the certificate. */
const BACKDATE_MS = 3_600_000;
export const CA_VALIDITY_DAYS = 3650;
export const SERVING_VALIDITY_DAYS = 365;

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
/** Passed to every library call rather than set as its global default provider. */
const crypto = webcrypto;

/** A positive, random 128-bit serial (RFC 5280 allows up to 20 octets; the top bit clear keeps it positive). */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f;
  return bytes.toString("hex");
}

async function keyPair(): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"]);
}

async function privateKeyPem(key: CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await crypto.subtle.exportKey("pkcs8", key), "PRIVATE KEY");
}

async function importPrivateKey(pem: string): Promise<CryptoKey> {
  return crypto.subtle.importKey("pkcs8", x509.PemConverter.decodeFirst(pem), ALGORITHM, false, ["sign"]);
}

export async function issueCertificateAuthority(now: Date, commonName = "koreo-apiserver-ca"): Promise<CertificateAndKey> {
  const keys = await keyPair();
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: serialNumber(),
      name: `CN=${commonName}`,
      notBefore: new Date(now.getTime() - BACKDATE_MS),
      notAfter: new Date(now.getTime() + CA_VALIDITY_DAYS * DAY_MS),
      keys,
      signingAlgorithm: ALGORITHM,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  return { cert: cert.toString("pem"), key: await privateKeyPem(keys.privateKey) };
}

export async function issueServingCertificate(
  ca: CertificateAndKey,
  names: ServingNames,
  now: Date,
  commonName = "koreo-apiserver",
): Promise<CertificateAndKey> {
  const keys = await keyPair();
  const caCert = new x509.X509Certificate(ca.cert);
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: serialNumber(),
      subject: `CN=${commonName}`,
      issuer: caCert.subject,
      notBefore: new Date(now.getTime() - BACKDATE_MS),
      notAfter: new Date(now.getTime() + SERVING_VALIDITY_DAYS * DAY_MS),
      publicKey: keys.publicKey,
      signingKey: await importPrivateKey(ca.key),
      signingAlgorithm: ALGORITHM,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension([
          ...names.dns.map((value) => ({ type: "dns" as const, value })),
          ...names.ips.map((value) => ({ type: "ip" as const, value })),
        ]),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
        await x509.AuthorityKeyIdentifierExtension.create(caCert, false, crypto),
      ],
    },
    crypto,
  );
  return { cert: cert.toString("pem"), key: await privateKeyPem(keys.privateKey) };
}
