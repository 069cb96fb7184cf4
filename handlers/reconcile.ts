import { createReconcileHandler } from "../src/lambda/reconcile-handler.ts";

export const handler = createReconcileHandler();
