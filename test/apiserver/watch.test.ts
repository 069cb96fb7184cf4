/** Watch resumption: every event after a resourceVersion, in order; 410 once compacted; bookmarks. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { harness, rawWatch, type WatchEventLine } from "../support/apiserver.ts";

const CMS = "/api/v1/namespaces/default/configmaps";

test("a watch from an old resourceVersion replays every later event in order, then goes live", { timeout: 60_000 }, async () => {
  const h = await harness();
  try {
    const first = await h.req("POST", CMS, { metadata: { name: "a" }, data: { v: "0" } });
    const start = first.body.metadata.resourceVersion;
    for (let i = 1; i <= 5; i++) await h.req("PATCH", `${CMS}/a`, { data: { v: String(i) } }, "application/merge-patch+json");
    await h.req("DELETE", `${CMS}/a`);
    const w = await rawWatch(`${h.server.url}${CMS}?watch=true&resourceVersion=${start}`);
    try {
      const replayed = await w.take(6);
      assert.deepEqual(
        replayed.map((e) => e.type),
        ["MODIFIED", "MODIFIED", "MODIFIED", "MODIFIED", "MODIFIED", "DELETED"],
      );
      assert.deepEqual(
        replayed.slice(0, 5).map((e) => e.object.data.v),
        ["1", "2", "3", "4", "5"],
      );
      const rvs = replayed.map((e) => Number(e.object.metadata.resourceVersion));
      assert.deepEqual(
        [...rvs].sort((x, y) => x - y),
        rvs,
      );
      await h.req("POST", CMS, { metadata: { name: "b" } });
      const live = await w.take(7);
      assert.equal(live[6]!.type, "ADDED");
      assert.equal(live[6]!.object.metadata.name, "b");
    } finally {
      w.close();
    }
  } finally {
    await h.close();
  }
});

test("a client reconnecting from its last seen resourceVersion misses nothing", { timeout: 60_000 }, async () => {
  const h = await harness();
  try {
    const list = await h.req("GET", CMS);
    const w1 = await rawWatch(`${h.server.url}${CMS}?watch=true&resourceVersion=${list.body.metadata.resourceVersion}`);
    await h.req("POST", CMS, { metadata: { name: "x1" } });
    const [seen] = await w1.take(1);
    w1.close();
    for (const name of ["x2", "x3"]) await h.req("POST", CMS, { metadata: { name } });
    await h.req("DELETE", `${CMS}/x1`);
    const w2 = await rawWatch(`${h.server.url}${CMS}?watch=true&resourceVersion=${seen!.object.metadata.resourceVersion}`);
    try {
      const rest = await w2.take(3);
      assert.deepEqual(
        rest.map((e) => `${e.type}:${e.object.metadata.name}`),
        ["ADDED:x2", "ADDED:x3", "DELETED:x1"],
      );
    } finally {
      w2.close();
    }
  } finally {
    await h.close();
  }
});

test("a resourceVersion older than the retained history gets a 410 Gone ERROR event", { timeout: 60_000 }, async () => {
  const h = await harness({ eventHistory: 5 });
  try {
    const first = await h.req("POST", CMS, { metadata: { name: "a" } });
    for (let i = 0; i < 10; i++) await h.req("PATCH", `${CMS}/a`, { data: { v: String(i) } }, "application/merge-patch+json");
    const w = await rawWatch(`${h.server.url}${CMS}?watch=true&resourceVersion=${first.body.metadata.resourceVersion}`);
    const [event] = await w.take(1);
    await w.ended;
    assert.equal(event!.type, "ERROR");
    assert.equal(event!.object.code, 410);
    assert.equal(event!.object.reason, "Gone");
  } finally {
    await h.close();
  }
});

test("watches honour selectors (objects leaving the selection are DELETED) and get bookmarks", { timeout: 60_000 }, async () => {
  const h = await harness({ bookmarkIntervalMs: 50 });
  try {
    const w = await rawWatch(`${h.server.url}/api/v1/configmaps?watch=true&labelSelector=app%3Dx&allowWatchBookmarks=true`);
    try {
      await h.req("POST", CMS, { metadata: { name: "in", labels: { app: "x" } } });
      await h.req("POST", CMS, { metadata: { name: "out", labels: { app: "y" } } });
      await h.req("PATCH", `${CMS}/in`, { metadata: { labels: { app: "z" } } }, "application/merge-patch+json");
      const changes = (e: WatchEventLine[]): WatchEventLine[] => e.filter((x) => x.type !== "BOOKMARK");
      const events = await w.until((e) => changes(e).length >= 2 && e.some((x) => x.type === "BOOKMARK"));
      assert.deepEqual(
        changes(events).map((e) => `${e.type}:${e.object.metadata.name}`),
        ["ADDED:in", "DELETED:in"],
      );
      const bookmark = events.find((e) => e.type === "BOOKMARK")!;
      assert.match(bookmark.object.metadata.resourceVersion, /^\d+$/);
      assert.equal(bookmark.object.kind, "ConfigMap");
    } finally {
      w.close();
    }
  } finally {
    await h.close();
  }
});

test("a watcher that stops reading is cut off once its backlog passes the bound; other watchers go on", { timeout: 60_000 }, async () => {
  const h = await harness({ maxWatchBufferBytes: 256 * 1024 });
  try {
    const { request } = await import("node:http");
    // A client that reads the headers, then nothing: its socket's buffers fill and the server's backlog grows.
    const stalled = await new Promise<import("node:http").IncomingMessage>((resolve, reject) =>
      request(`${h.server.url}${CMS}?watch=true`, (res) => (res.pause(), resolve(res)))
        .on("error", reject)
        .end(),
    );
    const reader = await rawWatch(`${h.server.url}${CMS}?watch=true`);
    try {
      const EVENTS = 60; // 12 MiB: past the bound and whatever the kernel's socket buffers hold
      const big = "x".repeat(200 * 1024);
      for (let i = 0; i < EVENTS; i++) await h.req("POST", CMS, { metadata: { name: `big-${i}` }, data: { v: big } });
      const seen = await reader.take(EVENTS);
      assert.equal(seen.at(-1)?.object.metadata.name, `big-${EVENTS - 1}`, "the reading watcher got every event");
      // Now read what the stalled watcher was sent: the stream breaks off before the last event.
      const received = await new Promise<string>((resolve) => {
        let text = "";
        stalled.setEncoding("utf8");
        stalled.on("data", (chunk: string) => (text += chunk));
        stalled.once("close", () => resolve(text));
        stalled.once("error", () => resolve(text));
        stalled.resume();
      });
      const names = received.split("\n").flatMap((line) => (/"name":"(big-\d+)"/.exec(line) ? [/"name":"(big-\d+)"/.exec(line)![1]] : []));
      assert.ok(names.length < EVENTS, `the stalled watcher was sent all ${EVENTS} events`);
      assert.equal(stalled.complete, false, "its stream was cut, not ended");
    } finally {
      reader.close();
      stalled.destroy();
    }
  } finally {
    await h.close();
  }
});
