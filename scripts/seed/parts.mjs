// Seed parts that run after members and the graph, in order.
import { seedContent } from "./content.mjs";

export const SEED_PARTS = [seedContent];
