/**
 * `koreo plan` output, pure: per trigger its outcome before → after and each write that would
 * differ, with field-level changes; failures first; a summary line; the exit status
 * (0 nothing would change, 1 changes, 2 a dry run failed), as `kubectl diff` does.
 */
import type { ObjectRef } from "../cluster/index.ts";
import { toJsonText, toPlain, type Value } from "../value/index.ts";
import type { FieldChange, WriteChange } from "./plan-diff.ts";
import { objectLabel } from "./plan-diff.ts";
import type { RunSummary, TriggerPlan } from "./plan-run.ts";

export interface Colours {
  readonly green: (s: string) => string;
  readonly red: (s: string) => string;
  readonly dim: (s: string) => string;
  readonly bold: (s: string) => string;
}

export interface PlanSummary {
  readonly triggers: number;
  /** Distinct objects (and subresources) with at least one differing write. */
  readonly objectsChanged: number;
  readonly outcomeChanges: number;
  readonly failures: number;
}

const MAX_VALUE_TEXT = 120;

export function summarize(plans: readonly TriggerPlan[]): PlanSummary {
  const objects = new Set(plans.flatMap((p) => p.writes.map((w) => `${objectLabel(w.ref)}|${w.subresource ?? ""}`)));
  return {
    triggers: plans.length,
    objectsChanged: objects.size,
    outcomeChanges: plans.filter(outcomeChanged).length,
    failures: plans.filter(isFailure).length,
  };
}

export function exitStatus(plans: readonly TriggerPlan[]): 0 | 1 | 2 {
  if (plans.some((p) => p.error !== undefined)) return 2;
  return plans.some(hasChanges) ? 1 : 0;
}

export function summaryLine(s: PlanSummary): string {
  const failed = s.failures > 0 ? `, ${s.failures} failing` : "";
  return `${s.triggers} trigger(s) affected, ${s.objectsChanged} object(s) changed, ${s.outcomeChanges} outcome change(s)${failed}`;
}

function outcomeChanged(p: TriggerPlan): boolean {
  return p.before.outcome !== p.after.outcome || p.before.status !== p.after.status;
}

function hasChanges(p: TriggerPlan): boolean {
  return outcomeChanged(p) || p.writes.length > 0;
}

/** A dry run that could not complete, or a trigger the changed definitions would make fail. */
function isFailure(p: TriggerPlan): boolean {
  return p.error !== undefined || (p.after.outcome === "PermFail" && p.before.outcome !== "PermFail");
}

/** Failures first, then the rest in their (sorted) order; triggers without a difference are left out. */
function ordered(plans: readonly TriggerPlan[]): TriggerPlan[] {
  const shown = plans.filter((p) => hasChanges(p) || p.error !== undefined);
  return [...shown.filter(isFailure), ...shown.filter((p) => !isFailure(p))];
}

export function renderPlanText(plans: readonly TriggerPlan[], c: Colours): string {
  const lines = ordered(plans).flatMap((p) => triggerLines(p, c));
  const unchanged = plans.filter((p) => !hasChanges(p) && p.error === undefined).length;
  if (unchanged > 0) lines.push(c.dim(`${unchanged} affected trigger(s) would run exactly as now`));
  lines.push(summaryLine(summarize(plans)));
  return lines.join("\n");
}

function triggerLines(p: TriggerPlan, c: Colours): string[] {
  const head = `${isFailure(p) ? c.red("FAIL ") : ""}${c.bold(objectLabel(p.trigger))}: ${runText(p.before)} → ${runText(p.after)}`;
  const lines = [head];
  if (p.error !== undefined) lines.push(`  ${c.red(`error: ${p.error}`)}`);
  if (p.after.message !== undefined && p.after.message !== p.before.message) lines.push(c.dim(`  after: ${p.after.message}`));
  for (const w of p.writes) lines.push(...writeLines(w, c));
  return lines;
}

function runText(run: RunSummary): string {
  const workflow = run.workflow === undefined ? "" : ` (${run.workflow})`;
  return run.status === "reconciled" ? `${run.outcome}${workflow}` : `${run.outcome} [${run.status}]${workflow}`;
}

const MARK: Record<WriteChange["change"], string> = { added: "+", removed: "-", changed: "~" };

function writeLines(w: WriteChange, c: Colours): string[] {
  const sub = w.subresource === undefined ? "" : `/${w.subresource}`;
  const when = w.change === "added" ? "would now" : w.change === "removed" ? "would no longer" : "would";
  const head = `  ${MARK[w.change]} ${when} ${w.verb} ${objectLabel(w.ref)}${sub}`;
  const colour = w.change === "added" ? c.green : w.change === "removed" ? c.red : (s: string) => s;
  return [colour(head), ...w.fields.map((f) => `      ${fieldText(f)}`)];
}

/** Koreo's own record of what it last applied: a JSON copy of the body, which says nothing new in text. */
const LAST_APPLIED = `["koreo.dev/last-applied-configuration"]`;

function fieldText(f: FieldChange): string {
  if (f.path.endsWith(LAST_APPLIED)) return `${f.path}: ${recordChange(f)} (Koreo's record of what it applied)`;
  if (f.before === undefined) return `${f.path}: + ${valueText(f.after)}`;
  if (f.after === undefined) return `${f.path}: - ${valueText(f.before)}`;
  return `${f.path}: ${valueText(f.before)} → ${valueText(f.after)}`;
}

function recordChange(f: FieldChange): string {
  if (f.before === undefined) return "set";
  return f.after === undefined ? "removed" : "updated";
}

function valueText(v: Value | undefined): string {
  if (v === undefined) return "nothing";
  const text = toJsonText(v);
  return text.length > MAX_VALUE_TEXT ? `${text.slice(0, MAX_VALUE_TEXT - 1)}…` : text;
}

/** For tooling: everything the text shows, values as plain JSON. */
export function renderPlanJson(plans: readonly TriggerPlan[]): unknown {
  return { summary: summarize(plans), triggers: ordered(plans).map(triggerJson) };
}

function triggerJson(p: TriggerPlan): unknown {
  return {
    trigger: refJson(p.trigger),
    before: p.before,
    after: p.after,
    failure: isFailure(p),
    ...(p.error !== undefined && { error: p.error }),
    writes: p.writes.map((w) => ({
      verb: w.verb,
      object: refJson(w.ref),
      ...(w.subresource !== undefined && { subresource: w.subresource }),
      change: w.change,
      fields: w.fields.map((f) => ({
        path: f.path,
        ...(f.before !== undefined && { before: toPlain(f.before) }),
        ...(f.after !== undefined && { after: toPlain(f.after) }),
      })),
    })),
  };
}

function refJson(ref: ObjectRef): Record<string, string> {
  return { apiVersion: ref.apiVersion, kind: ref.kind, ...(ref.namespace !== undefined && { namespace: ref.namespace }), name: ref.name };
}
