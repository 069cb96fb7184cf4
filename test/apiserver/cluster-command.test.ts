/** `koreo cluster` as a user runs it: HTTPS by default with the CA kept in --data-dir, plain HTTP with --insecure-http. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { kubectlPath } from "../support/apiserver.ts";

const BIN = new URL("../../bin/koreo.mjs", import.meta.url).pathname;

interface Running {
  readonly child: ChildProcess;
  readonly url: string;
}

/** Starts `koreo cluster …` and resolves once it printed where its kubeconfig is. */
function startCluster(args: string[]): Promise<Running> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, "cluster", ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`koreo cluster did not start:\n${out}${err}`));
    }, 60_000);
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const url = /API server at (\S+)/.exec(out)?.[1];
      if (url === undefined || !out.includes("kubeconfig written")) return;
      clearTimeout(timer);
      resolve({ child, url });
    });
    child.on("exit", (code) => reject(new Error(`koreo cluster exited ${code}:\n${out}${err}`)));
  });
}

function stop(running: Running): Promise<void> {
  return new Promise((resolve) => {
    running.child.once("exit", () => resolve());
    running.child.kill("SIGTERM");
  });
}

function kubectlGetNs(kubeconfig: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(kubectlPath(), ["--kubeconfig", kubeconfig, "get", "ns", "-o", "name"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.on("close", (code) => resolve({ code: code ?? -1, out }));
  });
}

test("koreo cluster serves HTTPS, writes a kubeconfig kubectl verifies, and keeps its CA across restarts", { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "koreo-cluster-cmd-"));
  const dataDir = join(dir, "data");
  const kubeconfig = join(dir, "kubeconfig");
  try {
    const first = await startCluster(["--port", "0", "--data-dir", dataDir, "--kubeconfig", kubeconfig]);
    assert.match(first.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const got = await kubectlGetNs(kubeconfig);
    assert.equal(got.code, 0, got.out);
    assert.match(got.out, /namespace\/default/);
    const ca = parse(readFileSync(kubeconfig, "utf8")).clusters[0].cluster["certificate-authority-data"];
    assert.equal(Buffer.from(ca, "base64").toString("utf8"), readFileSync(join(dataDir, "tls", "ca.crt"), "utf8"));
    await stop(first);

    const second = await startCluster(["--port", "0", "--data-dir", dataDir, "--kubeconfig", kubeconfig]);
    try {
      assert.equal(parse(readFileSync(kubeconfig, "utf8")).clusters[0].cluster["certificate-authority-data"], ca, "same CA after a restart");
      assert.equal((await kubectlGetNs(kubeconfig)).code, 0);
    } finally {
      await stop(second);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("koreo cluster --insecure-http serves plain HTTP", { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "koreo-cluster-cmd-"));
  const kubeconfig = join(dir, "kubeconfig");
  try {
    const running = await startCluster(["--insecure-http", "--kubeconfig", kubeconfig]);
    try {
      assert.match(running.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(parse(readFileSync(kubeconfig, "utf8")).clusters[0].cluster["insecure-skip-tls-verify"], true);
      const got = await kubectlGetNs(kubeconfig);
      assert.equal(got.code, 0, got.out);
    } finally {
      await stop(running);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
