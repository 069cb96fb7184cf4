/**
 * Local SQS for `npm start` and tests: fauxqs in-process with the same queue
 * topology serverless.yml declares (FIFO work queue + standard timer queue,
 * each with a DLQ).
 */
import { startFauxqs } from "fauxqs";
import { createSqsClient, type SqsClient } from "../queue/adapters/index.ts";

export interface LocalSqs {
  readonly endpoint: string;
  /** The client the handlers use on Lambda (queue/adapters), here for the pollers, the relay and tests. */
  readonly client: SqsClient;
  readonly workUrl: string;
  readonly workArn: string;
  readonly workDlqUrl: string;
  readonly timerUrl: string;
  readonly timerArn: string;
  readonly timerDlqUrl: string;
  /** Message counts by state, for tests and the live view. */
  depth(queue: "work" | "work-dlq" | "timer" | "timer-dlq"): { ready: number; delayed: number; inflight: number };
  stop(): Promise<void>;
}

export interface LocalSqsOptions {
  readonly port?: number;
  readonly maxReceiveCount?: number;
  readonly visibilityTimeoutSeconds?: number;
}

const NAMES = { work: "koreo-work.fifo", "work-dlq": "koreo-work-dlq.fifo", timer: "koreo-timer", "timer-dlq": "koreo-timer-dlq" } as const;

/** Our SQS client for fauxqs at `endpoint` (it checks no signature; any credentials do). */
export function localSqsClient(endpoint: string): SqsClient {
  return createSqsClient({ endpoint, region: "us-east-1", credentials: async () => ({ accessKeyId: "local", secretAccessKey: "local" }) });
}

export async function startLocalSqs(options: LocalSqsOptions = {}): Promise<LocalSqs> {
  const server = await startFauxqs({ port: options.port ?? 0, logger: false, host: "127.0.0.1" });
  const visibility = String(options.visibilityTimeoutSeconds ?? 30);
  const redrive = (arn: string) => JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: options.maxReceiveCount ?? 5 });
  const workDlq = server.createQueue(NAMES["work-dlq"], { attributes: { FifoQueue: "true" } });
  const work = server.createQueue(NAMES.work, {
    attributes: { FifoQueue: "true", VisibilityTimeout: visibility, RedrivePolicy: redrive(workDlq.queueArn) },
  });
  const timerDlq = server.createQueue(NAMES["timer-dlq"]);
  const timer = server.createQueue(NAMES.timer, { attributes: { VisibilityTimeout: visibility, RedrivePolicy: redrive(timerDlq.queueArn) } });
  const client = localSqsClient(server.address);
  return {
    endpoint: server.address,
    client,
    workUrl: work.queueUrl,
    workArn: work.queueArn,
    workDlqUrl: workDlq.queueUrl,
    timerUrl: timer.queueUrl,
    timerArn: timer.queueArn,
    timerDlqUrl: timerDlq.queueUrl,
    depth(queue) {
      const messages = server.inspectQueue(NAMES[queue])?.messages;
      return { ready: messages?.ready.length ?? 0, delayed: messages?.delayed.length ?? 0, inflight: messages?.inflight.length ?? 0 };
    },
    async stop() {
      client.destroy();
      await server.stop();
    },
  };
}
