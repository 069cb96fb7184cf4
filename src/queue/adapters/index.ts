/**
 * The SQS adapter of the queue ports (AWS and fauxqs alike) and the narrow SQS client it calls.
 * May import: the queue port.
 */
export { createSqsDeadLetterQueue, createSqsTimerQueue, createSqsWorkQueue } from "./sqs.ts";
export {
  createSqsClient,
  SqsNetworkError,
  SqsServiceError,
  type AwsCredentials,
  type CredentialsProvider,
  type SqsApi,
  type SqsClient,
  type SqsClientOptions,
  type SqsMessage,
} from "./sqs-client.ts";
