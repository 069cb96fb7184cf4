/**
 * The front matter every `koreo` command shares (CLI-16): `--help` prints the usage on
 * stdout (exit 0); a usage error prints the message and the usage on stderr (exit 2).
 * `parsed` is what the command's argument parser returned: its options, `"help"`, or an
 * error text.
 */
export async function runCommand<T extends object>(
  name: string,
  usage: string,
  parsed: T | "help" | string,
  body: (options: T) => Promise<number>,
): Promise<number> {
  if (parsed === "help") {
    console.log(usage);
    return 0;
  }
  if (typeof parsed === "string") {
    console.error(`koreo ${name}: ${parsed}\n\n${usage}`);
    return 2;
  }
  return body(parsed);
}

export function wantsHelp(args: readonly string[]): boolean {
  return args.includes("--help") || args.includes("-h");
}
