/** The UserHub Durable Object class (one per member, holding their sockets); its code lives in the realtime module. */
export { UserHub } from "../src/modules/realtime/user-hub";
