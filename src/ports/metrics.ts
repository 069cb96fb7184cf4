/**
 * Metrics port (SRV-13), shared by the reconcile and timer handlers. Adapters: lambda/observability.ts (Powertools EMF) and
 * `noMetrics`; the local stack counts in memory for its live view.
 */
export type MetricName =
  | "Reconciles" // dimension outcome
  | "ReconcileDuration" // milliseconds
  | "GateDrops" // dimension reason
  | "TimerHops"
  | "TimerForwards"
  | "SystemErrorRetries"
  | "SystemErrorGiveUps"
  | "DeadLetterBound" // a message on its last receive before the DLQ
  | "RecordsDeferred" // records of a batch not started for lack of remaining time
  | "DeadLetterRedrives" // a sweep found dead-lettered requests and handed them back (dimension queue)
  | "QueueMissing"; // a stuck state: a queue the handler sends to does not exist (dimension queue)

export interface Metrics {
  count(name: MetricName, dimensions?: Readonly<Record<string, string>>): void;
  milliseconds(name: MetricName, value: number): void;
}

export const noMetrics: Metrics = { count() {}, milliseconds() {} };
