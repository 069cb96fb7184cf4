// A local reconcile handler's worker thread (src/local/handler-thread.ts): loads the
// same build of the sources as the koreo command, then runs the handler.
import { loadCli } from "./cli-module.mjs";

const { runHandlerThread } = await loadCli();
runHandlerThread();
