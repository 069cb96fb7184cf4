import { createTimerHandler } from "../src/lambda/timer-handler.ts";

export const handler = createTimerHandler();
