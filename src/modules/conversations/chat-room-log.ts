import type { HubFrame } from "../../core/live";
import { type LogRow, RoomStorage } from "./chat-room-storage";
import { events } from "./events";
import { type MessageRow, type ReactionRow, type ReplyTarget, renderMessage } from "./render";
import { maySee, seesMember, type Viewer } from "./rules";
import type { HistoryQuery, Message } from "./schemas";

const MAX_REPLAY = 500;

/**
 * The chat room's log as its members read it (storage and writes: ./chat-room-storage.ts): every read
 * goes through `maySee` (./rules.ts) for the reader, so history, resume and the live fan-out's views give
 * each member the same answer.
 */
export class RoomLog extends RoomStorage {
  /** The room's stored log, or null when nothing was ever stored (reading does not create storage). */
  static existing(storage: DurableObjectStorage): RoomLog | null {
    const found = storage.sql
      .exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'log'")
      .toArray().length;
    return found > 0 ? new RoomLog(storage) : null;
  }

  // ---------------------------------------------------------------- reads as a viewer

  /**
   * The message if `viewer` may see it (`maySee`), else null: a message they may not see answers exactly
   * like one that does not exist.
   */
  visibleRow(seq: number, viewer: Viewer): MessageRow | null {
    const row = this.row(seq);
    return row && maySee(viewer, row, this.deletedFor(viewer.userId, [seq]).has(seq)) ? row : null;
  }

  /** Which of these messages `userId` deleted for themselves. */
  deletedFor(userId: string, seqs: number[]): Set<number> {
    if (seqs.length === 0) return new Set();
    return new Set(
      this.all<{ message_seq: number }>(
        "SELECT message_seq FROM hidden WHERE user_id = ? AND message_seq IN (SELECT value FROM json_each(?))",
        userId,
        JSON.stringify(seqs),
      ).map((r) => r.message_seq),
    );
  }

  /** Per message, the members who deleted it for themselves. */
  private deletedBy(seqs: number[]): Map<number, Set<string>> {
    const out = new Map<number, Set<string>>();
    for (const r of this.all<{ user_id: string; message_seq: number }>(
      "SELECT user_id, message_seq FROM hidden WHERE message_seq IN (SELECT value FROM json_each(?))",
      JSON.stringify(seqs),
    )) {
      const set = out.get(r.message_seq);
      if (set) set.add(r.user_id);
      else out.set(r.message_seq, new Set([r.user_id]));
    }
    return out;
  }

  /**
   * A page of what `viewer` may see (`maySee`), by seq: ascending when paging `after`, else the newest
   * before `before`. The query only narrows by seq; the rule decides, reading on past what it skips.
   */
  history(viewer: Viewer, q: HistoryQuery): { rows: MessageRow[]; hasMore: boolean } {
    const ascending = q.after !== undefined;
    let low = Math.max(q.after ?? 0, viewer.joinedSeq);
    let high = q.before ?? Number.MAX_SAFE_INTEGER;
    const want = q.limit + 1;
    const chunk = Math.max(want, 50);
    const picked: MessageRow[] = [];
    while (picked.length < want) {
      const rows = this.all<MessageRow>(
        `SELECT * FROM messages WHERE seq > ? AND seq < ? ORDER BY seq ${ascending ? "ASC" : "DESC"} LIMIT ?`,
        low,
        high,
        chunk,
      );
      const deleted = this.deletedFor(
        viewer.userId,
        rows.map((r) => r.seq),
      );
      for (const r of rows) {
        if (maySee(viewer, r, deleted.has(r.seq)) && picked.push(r) === want) break;
      }
      if (rows.length < chunk) break;
      const last = rows[rows.length - 1]!.seq;
      if (ascending) low = last;
      else high = last;
    }
    const page = picked.slice(0, q.limit);
    if (!ascending) page.reverse();
    return { rows: page, hasMore: picked.length > q.limit };
  }

  /**
   * The log after `after` as `viewer` would have received it live, in order, each event rendered with the
   * message's current state (a message deleted for everyone comes back as its tombstone, never its text).
   * `upTo` is the highest seq covered; `lastMessageSeq` the newest message replayed (0 if none).
   */
  replay(
    conversationId: string,
    viewer: Viewer,
    after: number,
  ): { frames: HubFrame[]; upTo: number; more: boolean; lastMessageSeq: number } {
    const rows = this.all<LogRow>(
      `SELECT seq, type, message_seq, audience, data FROM log
        WHERE seq > ? AND message_seq > ? AND (audience IS NULL OR audience = ?) ORDER BY seq LIMIT ?`,
      Math.max(after, viewer.joinedSeq),
      viewer.joinedSeq,
      viewer.userId,
      MAX_REPLAY + 1,
    );
    const more = rows.length > MAX_REPLAY;
    const page = rows.slice(0, MAX_REPLAY);
    const seqs = [...new Set(page.map((r) => r.message_seq))];
    const deleted = this.deletedFor(viewer.userId, seqs);
    const visible = this.all<MessageRow>(
      "SELECT * FROM messages WHERE seq IN (SELECT value FROM json_each(?))",
      JSON.stringify(seqs),
    ).filter((m) => maySee(viewer, m, deleted.has(m.seq)));
    const messages = new Map(this.render(conversationId, visible, viewer).map((m) => [m.seq, m]));

    const frames: HubFrame[] = [];
    let lastMessageSeq = 0;
    for (const r of page) {
      const event = this.replayEvent(conversationId, r, messages.get(r.message_seq), viewer);
      if (!event) continue;
      if (r.type === "message") lastMessageSeq = r.seq;
      frames.push({ c: conversationId, s: r.seq, j: JSON.stringify(event) });
    }
    return { frames, upTo: more ? page[page.length - 1]!.seq : this.lastSeq, more, lastMessageSeq };
  }

  private replayEvent(
    conversationId: string,
    r: LogRow,
    message: Message | undefined,
    viewer: Viewer,
  ): object | null {
    if (r.type === "hide") return events.hidden(conversationId, r.seq, r.message_seq);
    if (!message) return null;
    const data = r.data
      ? (JSON.parse(r.data) as { actorId?: string; userId?: string; emoji?: string | null })
      : {};
    switch (r.type) {
      case "message":
        return events.message(conversationId, message);
      case "edit":
        return events.updated(conversationId, r.seq, "edited", message.senderId, message);
      case "delete":
        return events.updated(conversationId, r.seq, "deleted", visibleActor(viewer, data.actorId), message);
      case "reaction": {
        const userId = data.userId ?? "";
        if (!seesMember(viewer, userId)) return null;
        return events.updated(conversationId, r.seq, "reaction", userId, message, {
          userId,
          emoji: data.emoji ?? null,
        });
      }
    }
  }

  /**
   * Messages as `viewer` sees them, with their reactions and the messages they quote (four queries per
   * page). The caller passes only messages the viewer may see.
   */
  render(conversationId: string, rows: MessageRow[], viewer: Viewer): Message[] {
    if (rows.length === 0) return [];
    const reactions = this.reactionsOf(rows.map((r) => r.seq));
    const quoted = this.quotedBy(rows);
    const deleted = this.deletedFor(viewer.userId, [...quoted.keys()]);
    return rows.map((row) => {
      const target = row.reply_to === null ? undefined : quoted.get(row.reply_to);
      return renderMessage(
        conversationId,
        row,
        reactions.get(row.seq) ?? [],
        target && maySee(viewer, target, deleted.has(target.seq)) ? target : null,
        viewer,
      );
    });
  }

  renderOne(conversationId: string, row: MessageRow, viewer: Viewer): Message {
    return this.render(conversationId, [row], viewer)[0]!;
  }

  /**
   * How one message looks to each reader, for the live fan-out: null for a reader who may not see it
   * (`maySee`), else the message as they see it. Readers who see it alike share one rendered object
   * (compare by identity to serialize each distinct view once).
   */
  viewsOf(conversationId: string, row: MessageRow): (viewer: Viewer) => Message | null {
    const reactions = this.reactionsOf([row.seq]).get(row.seq) ?? [];
    const target = this.quotedBy([row]).get(row.reply_to ?? -1) ?? null;
    const deletedBy = this.deletedBy(target ? [row.seq, target.seq] : [row.seq]);
    const people = new Set<string>(reactions.map((r) => r.user_id));
    for (const id of JSON.parse(row.mentions) as string[]) people.add(id);
    const views = new Map<string, Message>();
    return (viewer) => {
      const deletedFor = (seq: number) => deletedBy.get(seq)?.has(viewer.userId) ?? false;
      if (!maySee(viewer, row, deletedFor(row.seq))) return null;
      const quotes = target !== null && maySee(viewer, target, deletedFor(target.seq));
      let key = quotes ? "q" : "-";
      for (const id of people) if (!seesMember(viewer, id)) key += `|${id}`;
      let view = views.get(key);
      if (!view) {
        view = renderMessage(conversationId, row, reactions, quotes ? target : null, viewer);
        views.set(key, view);
      }
      return view;
    };
  }

  private reactionsOf(seqs: number[]): Map<number, ReactionRow[]> {
    const bySeq = new Map<number, ReactionRow[]>();
    for (const r of this.all<ReactionRow>(
      "SELECT message_seq, user_id, emoji FROM reactions WHERE message_seq IN (SELECT value FROM json_each(?)) ORDER BY at, user_id",
      JSON.stringify(seqs),
    )) {
      const list = bySeq.get(r.message_seq);
      if (list) list.push(r);
      else bySeq.set(r.message_seq, [r]);
    }
    return bySeq;
  }

  /** The messages these rows reply to, by seq. */
  private quotedBy(rows: MessageRow[]): Map<number, ReplyTarget> {
    const ids = rows.map((r) => r.reply_to).filter((s): s is number => s !== null);
    if (ids.length === 0) return new Map();
    return new Map(
      this.all<ReplyTarget>(
        "SELECT seq, sender_id, text, edited_at, deleted_at FROM messages WHERE seq IN (SELECT value FROM json_each(?))",
        JSON.stringify(ids),
      ).map((r) => [r.seq, r]),
    );
  }
}

/** The actor of an event as the reader may know them: null when a block hides the actor from the reader. */
export function visibleActor(viewer: Viewer, actorId: string | undefined): string | null {
  return actorId !== undefined && seesMember(viewer, actorId) ? actorId : null;
}
