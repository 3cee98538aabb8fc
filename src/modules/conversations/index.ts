/** The public face of this module: what other modules may use. */
export {
  deleteMessage,
  editMessage,
  markRead,
  messageHistory,
  reactToMessage,
  sendMessage,
  setTyping,
} from "./messages";
export { roomOf } from "./room";
export { MAX_TEXT } from "./rules";
export { EMOJI, refineSend, SEQ, sendFields } from "./schemas";
export { membershipsAmong } from "./store";
