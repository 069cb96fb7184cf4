/**
 * The SQS adapter of the queue ports (AWS and fauxqs alike).
 * May import: the queue port.
 */
export { createSqsDeadLetterQueue, createSqsTimerQueue, createSqsWorkQueue, type SqsSender } from "./sqs.ts";
