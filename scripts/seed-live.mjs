// Demo conversations, created through the running Worker's HTTP API (messages live in each
// conversation's ChatRoom Durable Object, so they cannot be written with SQL).
//   node scripts/seed-live.mjs [baseUrl]
import { DEMO_PASSWORD } from "./seed/members.mjs";

const base = process.argv[2] ?? "http://127.0.0.1:8787";

async function api(method, path, { token, body } = {}) {
  const res = await fetch(base + path, {
    method,
    headers: {
      "content-type": "application/json",
      "cf-connecting-ip": "127.0.0.2",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json().catch(() => null);
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const people = {};
for (const username of ["sara", "omar", "layla", "john", "emma"]) {
  const login = await api("POST", "/api/v1/auth/login", {
    body: { identifier: username, password: DEMO_PASSWORD },
  });
  people[username] = { token: login.accessToken, id: login.user.id };
}

let n = 0;
async function say(conversationId, who, text) {
  await api("POST", `/api/v1/conversations/${conversationId}/messages`, {
    token: people[who].token,
    body: { clientId: `seed-${Date.now()}-${n++}`, text },
  });
}

async function conversation(creator, others, name) {
  const body = { memberIds: others.map((o) => people[o].id), ...(name ? { name } : {}) };
  const created = await api("POST", "/api/v1/conversations", { token: people[creator].token, body });
  return created.conversation?.id ?? created.id;
}

const saraOmar = await conversation("sara", ["omar"]);
await say(saraOmar, "sara", "السلام عليكم عمر، هل أنت متاح لاجتماع غداً؟");
await say(saraOmar, "omar", "وعليكم السلام! نعم، الساعة العاشرة مناسبة؟");
await say(saraOmar, "sara", "ممتاز، أرسلت لك الدعوة 👍");

const saraJohn = await conversation("john", ["sara"]);
await say(saraJohn, "john", "Hi Sara, loved your post about edge computing!");
await say(saraJohn, "sara", "Thanks John! Happy to share the slides.");

const team = await conversation("sara", ["omar", "layla", "john", "emma"], "فريق مجلس · Majlis team");
await say(team, "sara", "مرحباً بالجميع في مجموعة الفريق 🎉");
await say(team, "emma", "Hello everyone! Excited to be here.");
await say(team, "layla", "أهلاً وسهلاً، متى موعد الإطلاق؟");
await say(team, "omar", "Launch is next Sunday, إن شاء الله");

console.log(`  demo conversations: 3 conversations, ${n} messages`);
