/**
 * Optional snapshots to a data directory: the whole cluster as one JSON file,
 * written atomically (temp file + rename) and debounced so bursts of writes cost
 * one snapshot. Watch history is not kept: after a restart, watches must resume
 * from a version at least as new as the snapshot, or get 410 Gone and relist.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import type { ClusterSnapshot } from "./cluster.ts";
import type { Logger } from "../ports/index.ts";

const FILE = "cluster.json";

export function loadSnapshot(dataDir: string): ClusterSnapshot | undefined {
  const path = join(dataDir, FILE);
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, "utf8")) as ClusterSnapshot;
}

export class SnapshotWriter {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly dataDir: string,
    private readonly take: () => ClusterSnapshot,
    private readonly logger: Logger,
    private readonly debounceMs = 200,
  ) {
    mkdirSync(dataDir, { recursive: true });
  }

  /** Called on every change; the write happens once things go quiet. */
  schedule(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => this.flush(), this.debounceMs);
  }

  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const path = join(this.dataDir, FILE);
    const tmp = `${path}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, JSON.stringify(this.take()));
      renameSync(tmp, path);
    } catch (e) {
      this.logger.error("apiserver snapshot failed", { path, error: String(e) });
    }
  }
}
