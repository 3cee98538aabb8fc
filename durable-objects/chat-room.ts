/** The ChatRoom Durable Object class (one per conversation); its code lives in the conversations module. */
export { ChatRoom } from "../src/modules/conversations/chat-room";
