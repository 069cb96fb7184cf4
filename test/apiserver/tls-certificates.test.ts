/** The HTTPS server's CA and serving certificate: what they are valid for, and when a data directory's are reused or issued again. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger } from "../../src/ports/logger.ts";
import { servingCertificates, servingNamesFor } from "../../src/apiserver/tls/serving-certificates.ts";

const DAY = 86_400_000;
const NOW = new Date("2026-06-01T00:00:00Z");
const names = servingNamesFor("127.0.0.1");

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "koreo-tls-test-"));
}

test("the serving certificate is for 127.0.0.1, ::1 and localhost, signed by a CA that is only a CA", async () => {
  const { ca, serving } = await servingCertificates({ names, now: NOW, logger: silentLogger });
  const caCert = new X509Certificate(ca);
  const cert = new X509Certificate(serving.cert);
  assert.equal(caCert.ca, true);
  assert.equal(cert.ca, false);
  assert.ok(cert.verify(caCert.publicKey), "signed by the CA");
  assert.ok(cert.checkIssued(caCert));
  assert.equal(cert.checkIP("127.0.0.1"), "127.0.0.1");
  assert.equal(cert.checkIP("::1"), "::1");
  assert.equal(cert.checkHost("localhost", { subject: "never" }), "localhost");
  assert.equal(cert.checkIP("10.0.0.1"), undefined);
  assert.deepEqual(cert.keyUsage, ["1.3.6.1.5.5.7.3.1"], "serverAuth only");
  assert.ok(Date.parse(cert.validFrom) <= NOW.getTime());
  assert.ok(Date.parse(cert.validTo) >= NOW.getTime() + 364 * DAY);
});

test("a bind address other than a wildcard is added to the names; 0.0.0.0 and :: are not", () => {
  assert.deepEqual(servingNamesFor("10.1.2.3"), { ips: ["127.0.0.1", "::1", "10.1.2.3"], dns: ["localhost"] });
  assert.deepEqual(servingNamesFor("dev.example.test"), { ips: ["127.0.0.1", "::1"], dns: ["localhost", "dev.example.test"] });
  assert.deepEqual(servingNamesFor("0.0.0.0"), names);
  assert.deepEqual(servingNamesFor("::"), names);
});

test("a data directory's certificates are written with private keys 0600 and reused on the next start", async () => {
  const dir = tempDir();
  try {
    const first = await servingCertificates({ dir, names, now: NOW, logger: silentLogger });
    assert.equal(first.issued, "ca-and-serving");
    assert.equal(statSync(join(dir, "ca.key")).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, "tls.key")).mode & 0o777, 0o600);
    assert.equal(readFileSync(join(dir, "ca.crt"), "utf8"), first.ca);
    const again = await servingCertificates({ dir, names, now: new Date(NOW.getTime() + 30 * DAY), logger: silentLogger });
    assert.equal(again.issued, "none");
    assert.equal(again.ca, first.ca);
    assert.deepEqual(again.serving, first.serving);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("an expiring serving certificate is issued again under the same CA; an expiring CA replaces both", async () => {
  const dir = tempDir();
  try {
    const first = await servingCertificates({ dir, names, now: NOW, logger: silentLogger });
    const nearEnd = await servingCertificates({ dir, names, now: new Date(NOW.getTime() + 360 * DAY), logger: silentLogger });
    assert.equal(nearEnd.issued, "serving", "within a week of expiry");
    assert.equal(nearEnd.ca, first.ca, "kubeconfigs trusting the CA stay valid");
    assert.notEqual(nearEnd.serving.cert, first.serving.cert);
    assert.ok(new X509Certificate(nearEnd.serving.cert).verify(new X509Certificate(first.ca).publicKey));

    const decadeLater = await servingCertificates({ dir, names, now: new Date(NOW.getTime() + 3650 * DAY), logger: silentLogger });
    assert.equal(decadeLater.issued, "ca-and-serving");
    assert.notEqual(decadeLater.ca, first.ca);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("missing, corrupt, mismatched or differently named files are issued again", async () => {
  const dir = tempDir();
  try {
    const first = await servingCertificates({ dir, names, now: NOW, logger: silentLogger });
    unlinkSync(join(dir, "tls.crt"));
    assert.equal((await servingCertificates({ dir, names, now: NOW, logger: silentLogger })).issued, "serving");

    writeFileSync(join(dir, "tls.crt"), "not a certificate");
    assert.equal((await servingCertificates({ dir, names, now: NOW, logger: silentLogger })).issued, "serving");

    // A serving key that is not the certificate's (a half-written renewal).
    const other = await servingCertificates({ names, now: NOW, logger: silentLogger });
    writeFileSync(join(dir, "tls.key"), other.serving.key);
    assert.equal((await servingCertificates({ dir, names, now: NOW, logger: silentLogger })).issued, "serving");

    const wider = await servingCertificates({ dir, names: servingNamesFor("10.1.2.3"), now: NOW, logger: silentLogger });
    assert.equal(wider.issued, "serving");
    assert.equal(new X509Certificate(wider.serving.cert).checkIP("10.1.2.3"), "10.1.2.3");

    // A CA replaced by hand: the serving certificate on disk is no longer signed by it.
    const elsewhere = tempDir();
    try {
      const otherCa = await servingCertificates({ dir: elsewhere, names, now: NOW, logger: silentLogger });
      for (const file of ["ca.crt", "ca.key"]) writeFileSync(join(dir, file), readFileSync(join(elsewhere, file)));
      const resigned = await servingCertificates({ dir, names, now: NOW, logger: silentLogger });
      assert.equal(resigned.issued, "serving");
      assert.equal(resigned.ca, otherCa.ca);
      // …and a CA whose key is not its certificate's is replaced.
      writeFileSync(join(dir, "ca.key"), readFileSync(join(dir, "tls.key")));
      assert.equal((await servingCertificates({ dir, names, now: NOW, logger: silentLogger })).issued, "ca-and-serving");
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }

    unlinkSync(join(dir, "ca.key"));
    const fresh = await servingCertificates({ dir, names, now: NOW, logger: silentLogger });
    assert.equal(fresh.issued, "ca-and-serving");
    assert.notEqual(fresh.ca, first.ca);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
