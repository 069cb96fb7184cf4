/** The one CEL environment every Koreo expression is planned in. */
import { celEnv, type CelEnv } from "@bufbuild/cel";
import { COLLECTION_FUNCTIONS } from "./library/collections.ts";
import { INTERNAL_FUNCTIONS } from "./library/internal.ts";
import { FAILED_OPERAND_FUNCTIONS } from "./library/failed-operands.ts";
import { JSON_FUNCTIONS } from "./library/json.ts";
import { PRESENCE_FUNCTIONS } from "./library/presence.ts";
import { REF_FUNCTIONS } from "./library/refs.ts";
import { STD_OVERRIDES } from "./library/std.ts";
import { STRING_FUNCTIONS } from "./library/strings.ts";
import { TIME_FUNCTIONS } from "./library/time.ts";

let env: CelEnv | undefined;

export function koreoEnv(): CelEnv {
  env ??= celEnv({
    funcs: [
      ...STD_OVERRIDES,
      ...REF_FUNCTIONS,
      ...STRING_FUNCTIONS,
      ...TIME_FUNCTIONS,
      ...COLLECTION_FUNCTIONS,
      ...JSON_FUNCTIONS,
      ...INTERNAL_FUNCTIONS,
      ...PRESENCE_FUNCTIONS,
      ...FAILED_OPERAND_FUNCTIONS,
    ],
  });
  return env;
}
