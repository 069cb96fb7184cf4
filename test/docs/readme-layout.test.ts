/** README's "How the code is laid out" table names exactly the folders of src/ (it is the newcomer's map). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

test("README's layout table lists every folder of src/ and no other", () => {
  const readme = readFileSync("README.md", "utf8");
  const section = readme.slice(readme.indexOf("## How the code is laid out"), readme.indexOf("## Performance"));
  const rows = section.split("\n").filter((line) => line.startsWith("| `"));
  const named = rows.flatMap((row) => [...(row.split(" | ")[0] ?? "").matchAll(/`([a-z-]+)\/`/g)].map((m) => m[1] as string));
  const folders = readdirSync("src").filter((entry) => statSync(join("src", entry)).isDirectory());
  assert.deepEqual([...new Set(named)].sort(), folders.sort());
});
