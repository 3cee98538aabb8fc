/** The Worker's queue handler: each queue's consumer is declared by a module (src/core/queues.ts). */
export { handleQueue } from "../src/core/queues";
