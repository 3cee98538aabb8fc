import type { MessageRow } from "./render";
import type { Attachment } from "./schemas";

/**
 * The chat room's storage (its own SQLite): the conversation's log and its messages. Every change is one
 * transaction that appends to `log` under the next `seq` (gap-free) and updates the message it concerns,
 * so the log and the messages never disagree, and a restarted room continues from what is stored.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value);
CREATE TABLE IF NOT EXISTS messages (seq INTEGER PRIMARY KEY, n INTEGER NOT NULL, sender_id TEXT NOT NULL,
  client_id TEXT NOT NULL, text TEXT, attachments TEXT NOT NULL DEFAULT '[]', mentions TEXT NOT NULL DEFAULT '[]',
  reply_to INTEGER, created_at INTEGER NOT NULL, edited_at INTEGER, deleted_at INTEGER);
CREATE UNIQUE INDEX IF NOT EXISTS messages_client ON messages (sender_id, client_id);
CREATE TABLE IF NOT EXISTS log (seq INTEGER PRIMARY KEY, type TEXT NOT NULL, message_seq INTEGER NOT NULL,
  audience TEXT, data TEXT);
CREATE TABLE IF NOT EXISTS reactions (message_seq INTEGER NOT NULL, user_id TEXT NOT NULL, emoji TEXT NOT NULL,
  at INTEGER NOT NULL, PRIMARY KEY (message_seq, user_id));
CREATE TABLE IF NOT EXISTS hidden (user_id TEXT NOT NULL, message_seq INTEGER NOT NULL, PRIMARY KEY (user_id, message_seq));
CREATE INDEX IF NOT EXISTS hidden_message ON hidden (message_seq);
`;

export type LogType = "message" | "edit" | "delete" | "reaction" | "hide";

export interface LogRow {
  seq: number;
  type: LogType;
  message_seq: number;
  audience: string | null;
  data: string | null;
}

export interface NewMessage {
  senderId: string;
  clientId: string;
  text: string | null;
  attachments: Attachment[];
  mentions: string[];
  replyTo: number | null;
  at: number;
}

/**
 * The room's SQLite as stored: the schema, the writes (one transaction each, each appending the next log
 * seq), and the lookups that need no viewer. Reading the log as a member sees it is ./chat-room-log.ts.
 */
export class RoomStorage {
  protected readonly sql: SqlStorage;
  /** Last log sequence and number of messages so far (message ordinals, for unread counts). */
  lastSeq: number;
  messageCount: number;
  private readonly spoken = new Set<string>();

  constructor(private readonly storage: DurableObjectStorage) {
    this.sql = storage.sql;
    this.sql.exec(SCHEMA);
    this.lastSeq = this.one<{ v: number | null }>("SELECT max(seq) AS v FROM log")?.v ?? 0;
    this.messageCount = this.one<{ v: number | null }>("SELECT max(n) AS v FROM messages")?.v ?? 0;
  }

  meta(key: string): SqlStorageValue {
    return this.one<{ value: SqlStorageValue }>("SELECT value FROM meta WHERE key = ?", key)?.value ?? null;
  }

  setMeta(key: string, value: SqlStorageValue): void {
    this.sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", key, value);
  }

  // ---------------------------------------------------------------- lookups

  row(seq: number): MessageRow | null {
    return this.one<MessageRow>("SELECT * FROM messages WHERE seq = ?", seq);
  }

  byClientId(senderId: string, clientId: string): MessageRow | null {
    return this.one<MessageRow>(
      "SELECT * FROM messages WHERE sender_id = ? AND client_id = ?",
      senderId,
      clientId,
    );
  }

  /** Has this member ever written here (a 1:1 they wrote in counts as accepted by them)? */
  hasSpoken(userId: string): boolean {
    if (this.spoken.has(userId)) return true;
    const found = this.one("SELECT 1 AS x FROM messages WHERE sender_id = ? LIMIT 1", userId) !== null;
    if (found) this.spoken.add(userId);
    return found;
  }

  latestMessage(): MessageRow | null {
    return this.one<MessageRow>("SELECT * FROM messages ORDER BY seq DESC LIMIT 1");
  }

  /** Number of messages up to and including `seq`. */
  ordinalAt(seq: number): number {
    return (
      this.one<{ n: number }>("SELECT n FROM messages WHERE seq <= ? ORDER BY seq DESC LIMIT 1", seq)?.n ?? 0
    );
  }

  reactionOf(seq: number, userId: string): string | null {
    return (
      this.one<{ emoji: string }>(
        "SELECT emoji FROM reactions WHERE message_seq = ? AND user_id = ?",
        seq,
        userId,
      )?.emoji ?? null
    );
  }

  // ---------------------------------------------------------------- writes (one transaction each)

  append(m: NewMessage): MessageRow {
    const seq = this.lastSeq + 1;
    const n = this.messageCount + 1;
    const row: MessageRow = {
      seq,
      n,
      sender_id: m.senderId,
      client_id: m.clientId,
      text: m.text,
      attachments: JSON.stringify(m.attachments),
      mentions: JSON.stringify(m.mentions),
      reply_to: m.replyTo,
      created_at: m.at,
      edited_at: null,
      deleted_at: null,
    };
    this.storage.transactionSync(() => {
      this.sql.exec(
        `INSERT INTO messages (seq, n, sender_id, client_id, text, attachments, mentions, reply_to, created_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        seq,
        n,
        row.sender_id,
        row.client_id,
        row.text,
        row.attachments,
        row.mentions,
        row.reply_to,
        row.created_at,
      );
      this.appendLog(seq, "message", seq, null, null);
    });
    this.lastSeq = seq;
    this.messageCount = n;
    this.spoken.add(m.senderId);
    return row;
  }

  edit(seq: number, text: string, mentions: string[], at: number): number {
    return this.change("edit", seq, null, null, () =>
      this.sql.exec(
        "UPDATE messages SET text = ?, mentions = ?, edited_at = ? WHERE seq = ?",
        text,
        JSON.stringify(mentions),
        at,
        seq,
      ),
    );
  }

  /** Delete for everyone: the message becomes a tombstone (text, attachments, mentions, reactions gone). */
  tombstone(seq: number, actorId: string, at: number): number {
    return this.change("delete", seq, null, JSON.stringify({ actorId }), () => {
      this.sql.exec(
        "UPDATE messages SET text = NULL, attachments = '[]', mentions = '[]', deleted_at = ? WHERE seq = ?",
        at,
        seq,
      );
      this.sql.exec("DELETE FROM reactions WHERE message_seq = ?", seq);
    });
  }

  /** Delete for me: only `userId` stops seeing it; the log entry is addressed to them alone. */
  hide(seq: number, userId: string): number {
    return this.change("hide", seq, userId, null, () =>
      this.sql.exec("INSERT OR IGNORE INTO hidden (user_id, message_seq) VALUES (?, ?)", userId, seq),
    );
  }

  react(seq: number, userId: string, emoji: string | null, at: number): number {
    return this.change("reaction", seq, null, JSON.stringify({ userId, emoji }), () => {
      if (emoji === null)
        this.sql.exec("DELETE FROM reactions WHERE message_seq = ? AND user_id = ?", seq, userId);
      else
        this.sql.exec(
          `INSERT INTO reactions (message_seq, user_id, emoji, at) VALUES (?, ?, ?, ?)
            ON CONFLICT (message_seq, user_id) DO UPDATE SET emoji = excluded.emoji, at = excluded.at`,
          seq,
          userId,
          emoji,
          at,
        );
    });
  }

  private change(
    type: LogType,
    messageSeq: number,
    audience: string | null,
    data: string | null,
    apply: () => void,
  ) {
    const seq = this.lastSeq + 1;
    this.storage.transactionSync(() => {
      apply();
      this.appendLog(seq, type, messageSeq, audience, data);
    });
    this.lastSeq = seq;
    return seq;
  }

  private appendLog(
    seq: number,
    type: LogType,
    messageSeq: number,
    audience: string | null,
    data: string | null,
  ) {
    this.sql.exec(
      "INSERT INTO log (seq, type, message_seq, audience, data) VALUES (?, ?, ?, ?, ?)",
      seq,
      type,
      messageSeq,
      audience,
      data,
    );
  }

  protected one<T>(query: string, ...args: SqlStorageValue[]): T | null {
    return (this.sql.exec(query, ...args).toArray()[0] as T | undefined) ?? null;
  }

  protected all<T>(query: string, ...args: SqlStorageValue[]): T[] {
    return this.sql.exec(query, ...args).toArray() as T[];
  }
}
