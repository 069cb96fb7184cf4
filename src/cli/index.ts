/**
 * The `koreo` command: argument parsing, one module per subcommand, report formats.
 * May import: any folder (it is the outermost shell).
 */
export { main } from "./main.ts";
