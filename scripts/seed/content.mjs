// Posts with hashtags, comments, reactions, polls, reposts and bookmarks, in Arabic and English.
// Generated in chunks so a million posts never sit in memory at once; every counter column is computed
// from the rows written in the same chunk, so counters equal rows.
import { paretoInt, zipfSampler } from "./random.mjs";

const AR_TAGS = [
  "الذكاء_الاصطناعي",
  "رؤية_2030",
  "ريادة_الأعمال",
  "التقنية",
  "وظائف",
  "تطوير_الذات",
  "البرمجة",
  "التحول_الرقمي",
  "الأمن_السيبراني",
  "التسويق",
];
const EN_TAGS = [
  "AI",
  "CloudComputing",
  "Hiring",
  "Startups",
  "MENA",
  "WebDev",
  "DataScience",
  "Fintech",
  "RemoteWork",
  "Leadership",
];

const AR_TEXTS = [
  "سعيدة بالانضمام إلى فريق {company} اليوم! بداية جديدة ومليئة بالتحديات {tag}",
  "ما هي أهم المهارات التي يحتاجها المطور في 2026؟ شاركوني آراءكم {tag} {tag2}",
  "أنهيت اليوم ورشة عمل عن {skill} في {city}. شكراً لكل من حضر {tag}",
  "نبحث عن مهندسين موهوبين للانضمام إلى فريقنا في {city}. راسلوني {tag}",
  "نصيحة اليوم: التعلم المستمر هو سر النجاح في مجال {skill} {tag}",
  "تجربتي في بناء منتج عربي أولاً: التفاصيل الصغيرة مثل اتجاه النص تصنع الفرق {tag} {tag2}",
  "فخور بفريقنا في {company} على إطلاق الميزة الجديدة اليوم 🎉 {tag}",
  "هل جربتم العمل عن بعد من {city}؟ ما أكبر تحدٍّ واجهتموه؟ {tag}",
];
const EN_TEXTS = [
  "Excited to share that I've joined {company}! {tag}",
  "Three lessons from shipping {skill} at scale in {city} {tag} {tag2}",
  "We're hiring engineers in {city}. DM me if you're curious {tag}",
  "Hot take: the best {skill} code is the code you delete. {tag}",
  "Wrapped up a great workshop on {skill} today. Slides below {tag}",
  "What's the one tool you couldn't work without? {tag} {tag2}",
  "Proud of the {company} team for launching today 🚀 {tag}",
  "Building Arabic-first products taught me that RTL is not a CSS afterthought {tag}",
];
const AR_COMMENTS = [
  "مبروك! 👏",
  "كلام جميل ومفيد",
  "أتفق معك تماماً",
  "شكراً على المشاركة",
  "بالتوفيق إن شاء الله",
  "معلومة قيمة",
];
const EN_COMMENTS = [
  "Congrats! 👏",
  "Great insight, thanks for sharing",
  "Totally agree",
  "This is so useful",
  "Well deserved!",
  "Interesting take",
];
const COMPANIES = ["stc", "Careem", "Noon", "Aramco", "Talabat", "Microsoft", "Anghami", "Tabby"];
const SKILLS = [
  "TypeScript",
  "Cloudflare Workers",
  "Machine Learning",
  "Product Management",
  "تحليل البيانات",
  "React",
];
const CITIES = ["الرياض", "دبي", "القاهرة", "عمّان", "Riyadh", "Dubai", "London"];
const REACTIONS = ["LIKE", "LIKE", "LIKE", "CELEBRATE", "SUPPORT", "LOVE", "INSIGHTFUL", "FUNNY"];
const REACTION_COLUMN = {
  LIKE: "r_like",
  CELEBRATE: "r_celebrate",
  SUPPORT: "r_support",
  LOVE: "r_love",
  INSIGHTFUL: "r_insightful",
  FUNNY: "r_funny",
};
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const CHUNK = 5_000;

function fill(template, r, arabic) {
  const tags = arabic ? AR_TAGS : EN_TAGS;
  return template
    .replace("{company}", r.pick(COMPANIES))
    .replace("{skill}", r.pick(SKILLS))
    .replace("{city}", r.pick(CITIES))
    .replace("{tag}", `#${r.pick(tags)}`)
    .replace("{tag2}", `#${r.pick(r.chance(0.3) ? (arabic ? EN_TAGS : AR_TAGS) : tags)}`);
}

function emptyCounters() {
  return { r_like: 0, r_celebrate: 0, r_support: 0, r_love: 0, r_insightful: 0, r_funny: 0 };
}

export async function seedContent({ writer, r, members, now, idAt, progress, args, importTs }) {
  const totalPosts = Number(args.posts ?? (args.demo ? 1_500 : members.length * 5));
  if (totalPosts <= 0 || members.length === 0) return;
  const { extractHashtags, detectTextDirection } = await importTs("src/platform/text.ts");
  const pickAuthor = zipfSampler(members.length, r, 0.7);
  const pickActor = zipfSampler(members.length, r, 0.5);
  const hashtags = new Map(); // key → {id, display, post_count, created_at}
  const usage = new Map(); // `${hashtagId}:${hour}` → uses
  const spanMs = 30 * DAY;
  let written = 0;
  const repostable = []; // a reservoir of public posts for reposts

  for (let start = 0; start < totalPosts; start += CHUNK) {
    const n = Math.min(CHUNK, totalPosts - start);
    const rows = {
      posts: [],
      post_hashtags: [],
      comments: [],
      reactions: [],
      polls: [],
      poll_options: [],
      poll_votes: [],
      bookmarks: [],
    };
    // Times increase across chunks so ids (time-sortable) follow creation order.
    const times = Array.from(
      { length: n },
      () => now - spanMs + ((start + r.next() * n) / totalPosts) * spanMs,
    ).sort((a, b) => a - b);
    for (let i = 0; i < n; i++) {
      const author = members[pickAuthor()];
      const createdAt = Math.max(Math.floor(times[i]), author.createdAt + HOUR);
      if (createdAt >= now) continue;
      const arabic = author.locale === "ar" ? r.chance(0.85) : r.chance(0.15);
      const content = fill(r.pick(arabic ? AR_TEXTS : EN_TEXTS), r, arabic);
      const tags = extractHashtags(content);
      const id = idAt(createdAt);
      const post = {
        id,
        author_id: author.id,
        kind: "POST",
        repost_of_id: null,
        content,
        visibility: r.chance(0.85) ? "PUBLIC" : r.chance(0.8) ? "CONNECTIONS" : "PRIVATE",
        text_direction: detectTextDirection(content),
        hashtags: tags.map((t) => t.display),
        mentions: [],
        media_count: 0,
        has_poll: 0,
        ...emptyCounters(),
        comment_count: 0,
        repost_count: 0,
        bookmark_count: 0,
        rev: id,
        created_at: createdAt,
        edited_at: null,
        deleted_at: null,
      };
      for (const tag of tags) {
        let h = hashtags.get(tag.key);
        if (!h) {
          h = {
            id: idAt(createdAt),
            key: tag.key,
            display: tag.display,
            post_count: 0,
            follower_count: 0,
            created_at: createdAt,
          };
          hashtags.set(tag.key, h);
        }
        h.post_count++;
        rows.post_hashtags.push({ hashtag_id: h.id, post_id: id, created_at: createdAt });
        const bucket = `${h.id}:${createdAt - (createdAt % HOUR)}`;
        usage.set(bucket, (usage.get(bucket) ?? 0) + 1);
      }
      // Engagement: heavy-tailed, only on PUBLIC posts to keep visibility rules trivially satisfied.
      if (post.visibility === "PUBLIC") {
        const reactors = new Set();
        const wanted = Math.min(members.length - 1, paretoInt(r, 1, 60, 1.2) - 1);
        for (let k = 0; k < wanted * 2 && reactors.size < wanted; k++) {
          const who = members[pickActor()];
          if (who.id === author.id || reactors.has(who.id)) continue;
          reactors.add(who.id);
          const type = r.pick(REACTIONS);
          post[REACTION_COLUMN[type]]++;
          rows.reactions.push({
            target_type: "POST",
            target_id: id,
            user_id: who.id,
            type,
            owner_id: author.id,
            created_at: Math.min(now - 1, createdAt + r.int(1, DAY)),
          });
        }
        const commentCount = r.chance(0.35) ? r.int(1, 6) : 0;
        let firstComment = null;
        for (let k = 0; k < commentCount; k++) {
          const who = members[pickActor()];
          const at = Math.min(now - 1, createdAt + r.int(60_000, 2 * DAY));
          const text = r.pick(arabic ? AR_COMMENTS : EN_COMMENTS);
          const reply = firstComment && r.chance(0.3) ? firstComment : null;
          const comment = {
            id: idAt(at),
            post_id: id,
            post_author_id: author.id,
            author_id: who.id,
            parent_id: reply ? reply.id : null,
            content: text,
            text_direction: detectTextDirection(text),
            mentions: [],
            ...emptyCounters(),
            reply_count: 0,
            created_at: at,
            edited_at: null,
            deleted_at: null,
          };
          if (reply) reply.reply_count++;
          else firstComment ??= comment;
          rows.comments.push(comment);
          post.comment_count++;
        }
        if (r.chance(0.02)) {
          const pollId = idAt(createdAt);
          const options = arabic ? ["نعم", "لا", "ربما"] : ["Yes", "No", "It depends"];
          const closesAt = createdAt + 7 * DAY;
          const optionRows = options.map((text, position) => ({
            id: idAt(createdAt + position),
            poll_id: pollId,
            position,
            text,
            vote_count: 0,
          }));
          const voters = r
            .sample(members, Math.min(members.length, r.int(0, 30)))
            .filter((m) => m.id !== author.id);
          let total = 0;
          for (const voter of voters) {
            const option = r.pick(optionRows);
            option.vote_count++;
            total++;
            rows.poll_votes.push({
              id: idAt(createdAt + 1000),
              poll_id: pollId,
              option_id: option.id,
              user_id: voter.id,
              created_at: Math.min(now - 1, createdAt + 1000),
            });
          }
          rows.polls.push({
            id: pollId,
            post_id: id,
            closes_at: closesAt,
            total_votes: total,
            created_at: createdAt,
          });
          rows.poll_options.push(...optionRows);
          post.has_poll = 1;
        }
        if (r.chance(0.05)) {
          const who = members[pickActor()];
          if (who.id !== author.id) {
            rows.bookmarks.push({
              id: idAt(createdAt + 5000),
              user_id: who.id,
              target_type: "POST",
              target_id: id,
              created_at: Math.min(now - 1, createdAt + 5000),
            });
            post.bookmark_count++;
          }
        }
      }
      rows.posts.push(post);
      if (post.visibility === "PUBLIC" && (repostable.length < 2_000 || r.chance(0.01))) {
        repostable[repostable.length < 2_000 ? repostable.length : r.int(0, 1_999)] = post;
      }
    }
    for (const [table, list] of Object.entries(rows))
      await writer.insert(table, list, {
        orIgnore: table === "reactions" || table === "bookmarks" || table === "poll_votes",
      });
    await writer.flush();
    written += rows.posts.length;
    progress(`content: ${written}/${totalPosts} posts`);
  }

  await writer.insert("hashtags", [...hashtags.values()]);
  await writer.insert(
    "hashtag_usage",
    [...usage.entries()].map(([k, uses]) => {
      const [hashtagId, hour] = k.split(":");
      return { hashtag_id: hashtagId, hour: Number(hour), uses };
    }),
  );
  await writer.flush();
  // Plain reposts of some public posts (a repost is a post of kind REPOST pointing at the original).
  const reposts = [];
  const repostsOf = new Map();
  for (const original of repostable) {
    if (!r.chance(0.15)) continue;
    const who = members[pickActor()];
    if (who.id === original.author_id) continue;
    const at = Math.min(now - 1, original.created_at + r.int(HOUR, 3 * DAY));
    const id = idAt(at);
    reposts.push({
      ...original,
      ...emptyCounters(),
      id,
      author_id: who.id,
      kind: "REPOST",
      repost_of_id: original.id,
      content: "",
      hashtags: [],
      has_poll: 0,
      comment_count: 0,
      repost_count: 0,
      bookmark_count: 0,
      rev: id,
      created_at: at,
    });
    repostsOf.set(original.id, (repostsOf.get(original.id) ?? 0) + 1);
  }
  await writer.insert("posts", reposts);
  await writer.flush();
  await writer.exec(
    "UPDATE posts SET repost_count = (SELECT count(*) FROM posts r WHERE r.repost_of_id = posts.id AND r.deleted_at IS NULL) WHERE id IN (SELECT repost_of_id FROM posts WHERE repost_of_id IS NOT NULL)",
  );
  await writer.flush();
  // Hashtag follows, now that hashtags exist.
  const hashtagList = [...hashtags.values()];
  const follows = [];
  for (const m of members) {
    for (const h of r.sample(hashtagList, r.int(0, 3))) {
      follows.push({
        id: idAt(now - r.int(1, 20) * DAY),
        follower_id: m.id,
        target_type: "HASHTAG",
        target_id: h.id,
        created_at: now - DAY,
      });
    }
  }
  await writer.insert("follows", follows, { orIgnore: true });
  await writer.flush();
  // Counters that depend on rows written across chunks are recomputed from those rows.
  await writer.exec(
    "UPDATE hashtags SET follower_count = (SELECT count(*) FROM follows WHERE target_type = 'HASHTAG' AND target_id = hashtags.id)",
  );
  await writer.flush();
  progress(
    `content: ${hashtags.size} hashtags, ${follows.length} hashtag follows, ${reposts.length} reposts`,
  );
  // What the hourly cron would compute: trending hashtags and the for-you discovery pool.
  const { refreshTrendingTask } = await importTs("src/modules/hashtags/trending.ts");
  const { refreshHotPostsTask } = await importTs("src/modules/feed/service.ts");
  for (const task of [refreshTrendingTask, refreshHotPostsTask])
    await writer.db.batch(task.statements(writer.db, now));
}
