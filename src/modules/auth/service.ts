/** The auth module's operations, by concern; the routes call them through this file. */
export { getMe, toUser } from "./account";
export { deleteAccount } from "./deletion";
export { changePassword, forgotPassword, resetPassword } from "./passwords";
export { type RegisterInput, register, resendVerification, verifyEmail } from "./registration";
export {
  listSessions,
  login,
  refresh,
  revokeAllSessions,
  revokeOwnSession,
  revokeSessions,
} from "./sessions";
