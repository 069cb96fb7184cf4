/**
 * Delayed requests: arming a timer and forwarding due ones into the work queue.
 * May import: ports, queue.
 */
export { armTimer } from "./arm.ts";
export { createTimerForwarder, type TimerForwarder } from "./forwarder.ts";
