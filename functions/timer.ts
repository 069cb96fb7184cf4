import { createTimerHandler } from "../src/lambda/timer.ts";

export const handler = createTimerHandler();
