/** Runs `koreo` commands in-process, capturing stdout/stderr (the CLI prints through console). */
import { main } from "../../src/cli/main.ts";

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function koreo(...argv: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const original = { log: console.log, error: console.error };
  console.log = (...parts: unknown[]) => void out.push(parts.join(" "));
  console.error = (...parts: unknown[]) => void err.push(parts.join(" "));
  try {
    const code = await main(argv);
    return { code, stdout: out.join("\n"), stderr: err.join("\n") };
  } finally {
    console.log = original.log;
    console.error = original.error;
  }
}

export const lastLine = (text: string): string => text.split("\n").at(-1) ?? "";
