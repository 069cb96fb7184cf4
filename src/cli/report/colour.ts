/** CLI-16: colour only on a TTY, and never when `NO_COLOR` is set to a non-empty value. */
export interface Palette {
  readonly green: (s: string) => string;
  readonly red: (s: string) => string;
  readonly dim: (s: string) => string;
  readonly bold: (s: string) => string;
}

const plain = (s: string): string => s;
const ansi =
  (code: string) =>
  (s: string): string =>
    `\u001b[${code}m${s}\u001b[0m`;

export const NO_PALETTE: Palette = { green: plain, red: plain, dim: plain, bold: plain };
const ANSI_PALETTE: Palette = { green: ansi("32"), red: ansi("31"), dim: ansi("2"), bold: ansi("1") };

export function paletteFor(isTty: boolean, env: Readonly<Record<string, string | undefined>>): Palette {
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== "";
  return isTty && !noColor ? ANSI_PALETTE : NO_PALETTE;
}
