/**
 * Columns for custom resources from their CRD version's `additionalPrinterColumns`,
 * as apiextensions-apiserver's table convertor builds them: NAME first, then the
 * declared columns, or AGE alone when none are declared. Paths are parsed once.
 */
import type { Json } from "../json.ts";
import type { PrinterColumn } from "../resource-type.ts";
import { AGE_COLUMN, column, type Column } from "./builtin-columns.ts";
import { humanDuration } from "./duration.ts";
import { evaluate, parseJsonPath } from "./jsonpath.ts";

/** A value as the column's declared type shows it; anything that does not fit is an empty cell. */
function typedCell(type: string, value: Json, now: Date): Json {
  switch (type) {
    case "date": {
      const at = typeof value === "string" ? Date.parse(value) : NaN;
      return Number.isNaN(at) ? null : humanDuration(now.getTime() - at);
    }
    case "integer":
      return typeof value === "number" && Number.isInteger(value) ? value : null;
    case "number":
      return typeof value === "number" ? value : null;
    case "boolean":
      return typeof value === "boolean" ? value : null;
    default:
      return typeof value === "string" ? value : JSON.stringify(value);
  }
}

function customColumn(c: PrinterColumn): Column {
  let cell: Column["cell"];
  try {
    const steps = parseJsonPath(c.jsonPath);
    cell = (obj, now) => {
      const first = evaluate(steps, obj)[0];
      return first === undefined ? null : typedCell(c.type, first, now);
    };
  } catch {
    // kube-apiserver rejects such CRDs; here the column just stays empty.
    cell = () => null;
  }
  return column(c.name, c.type, c.description ?? "", cell, c.priority, c.format ?? "");
}

const compiled = new WeakMap<readonly PrinterColumn[], Column[]>();

export function customColumns(printerColumns: readonly PrinterColumn[]): Column[] {
  if (printerColumns.length === 0) return [AGE_COLUMN];
  let columns = compiled.get(printerColumns);
  if (columns === undefined) {
    columns = printerColumns.map(customColumn);
    compiled.set(printerColumns, columns);
  }
  return columns;
}
