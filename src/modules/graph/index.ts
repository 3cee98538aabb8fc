/** The social graph as other modules use it: follow rows and their counters for any followable target. */
export { addFollow, removeFollow } from "./writes";
