/**
 * Runtime settings read from the environment: namespaces, queues, timings.
 * May import: nothing.
 */
export {
  ALL_NAMESPACES,
  configFromEnv,
  type ControllerTimings,
  DEFAULT_TIMINGS,
  describeScope,
  type Env,
  type ManagedClusterSource,
  namespaceScopes,
  type RuntimeConfig,
} from "./config.ts";
