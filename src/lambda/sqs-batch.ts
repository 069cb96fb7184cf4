/**
 * SQS event → requests → batchItemFailures (Lambda glue only translates). FIFO
 * batches go through Powertools' FIFO processor: records run one after another
 * in arrival order, and after a failure the rest of that message group is
 * reported failed too, so a trigger's requests never overtake each other.
 */
import { BatchProcessor, EventType, SqsFifoPartialProcessorAsync, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import type { Logger } from "../ports/logger.ts";
import { decodeRequest, triggerKey, type ReconcileRequest } from "../queue/messages.ts";
import type { Metrics } from "../ports/metrics.ts";

export type RequestHandler = (request: ReconcileRequest) => Promise<unknown>;

export interface BatchOptions {
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** The queue's maxReceiveCount: a record failing on this receive goes to the DLQ next. */
  readonly maxReceiveCount: number;
  /** FIFO work queue (ordered, group-aware) or standard timer queue (independent records). */
  readonly fifo: boolean;
}

export function createSqsBatchHandler(handle: RequestHandler, options: BatchOptions): (event: SQSEvent) => Promise<SQSBatchResponse> {
  const onRecord = async (record: SQSRecord): Promise<void> => {
    const decoded = decodeRequest(record.body);
    if (!decoded.ok) {
      // A malformed message can never succeed: acknowledge it instead of cycling it to the DLQ.
      options.logger.error("Dropping malformed queue message.", { messageId: record.messageId, error: decoded.error });
      return;
    }
    try {
      await handle(decoded.request);
    } catch (error) {
      reportFailure(record, decoded.request, error, options);
      throw error;
    }
  };
  return async (event) => {
    if (!options.fifo) return processPartialResponse(event, onRecord, new BatchProcessor(EventType.SQS), { throwOnFullBatchFailure: false });
    return processPartialResponse(event, onRecord, new SqsFifoPartialProcessorAsync(), { skipGroupOnError: true, throwOnFullBatchFailure: false });
  };
}

function reportFailure(record: SQSRecord, request: ReconcileRequest, error: unknown, options: BatchOptions): void {
  const receiveCount = Number(record.attributes.ApproximateReceiveCount);
  const fields = {
    trigger: triggerKey(request.trigger),
    uid: request.trigger.uid,
    receiveCount,
    error: error instanceof Error ? error.message : String(error),
  };
  if (receiveCount >= options.maxReceiveCount) {
    options.metrics.count("DeadLetterBound");
    options.logger.error("Request failed on its last receive; SQS moves it to the dead-letter queue.", fields);
    return;
  }
  options.logger.warn("Request failed; SQS will redeliver it.", fields);
}
