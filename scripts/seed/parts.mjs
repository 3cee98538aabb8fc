// Seed parts that run after members and the graph, in order (content, conversations, ...).
export const SEED_PARTS = [];
