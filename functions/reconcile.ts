import { createReconcileHandler } from "../src/lambda/reconcile.ts";

export const handler = createReconcileHandler();
