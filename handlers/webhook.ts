import { createWebhookHandler } from "../src/lambda/webhook-handler.ts";

export const handler = createWebhookHandler();
