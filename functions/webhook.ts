import { createWebhookHandler } from "../src/lambda/webhook.ts";

export const handler = createWebhookHandler();
