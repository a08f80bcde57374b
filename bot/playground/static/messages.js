// A conversation as Slack shows it: messages with their blocks, reactions, "N replies" that open
// the thread pane, ephemeral messages marked "Only visible to you", a "⋯" menu with the app's
// message shortcuts, and the composer (plain messages and slash commands, with a hint list).
import { blockContext, commands, go, localTime, openThread, send, shortcuts, userName } from "./app.js";
import { renderBlocks } from "./blockkit.js";
import { EMOJI, emoji, mrkdwn } from "./mrkdwn.js";

const PALETTE = ["eyes", "+1", "white_check_mark", "bulb", "tada", "heart", "bug", "fire"];

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function button(className, text, onClick, title) {
  const b = el("button", className, text);
  b.type = "button";
  if (title) b.title = title;
  b.addEventListener("click", (e) => { e.stopPropagation(); onClick(e); });
  return b;
}

function initials(name) {
  return name.split(/\s+/).map((p) => p[0] || "").join("").slice(0, 2).toUpperCase();
}

function closeMenus() {
  document.querySelectorAll(".popup").forEach((p) => p.remove());
}
document.addEventListener("click", closeMenus);

function popup(anchor, items) {
  closeMenus();
  const menu = el("div", "popup");
  items.forEach((item) => menu.appendChild(item));
  anchor.parentElement.appendChild(menu);
  return menu;
}

function reactionRow(ui, channel, m) {
  const row = el("div", "reactions");
  (m.reactions || []).forEach((r) => {
    const mine = r.users.includes(ui.as);
    const chip = button(`reaction ${mine ? "mine" : ""}`, `${emoji(r.name)} ${r.users.length}`, () =>
      send("reaction", { channel, ts: m.ts, name: r.name, remove: mine }), r.users.map(userName).join(", "));
    chip.dataset.reaction = r.name;
    row.appendChild(chip);
  });
  return row;
}

function reactionPicker(anchor, ui, channel, m) {
  const items = PALETTE.map((name) => {
    const b = button("pick", EMOJI[name], () => { closeMenus(); send("reaction", { channel, ts: m.ts, name }); }, `:${name}:`);
    b.dataset.reaction = name;
    return b;
  });
  const other = el("input", "pick-other");
  other.placeholder = ":any_name:";
  other.addEventListener("click", (e) => e.stopPropagation());
  other.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && other.value.trim()) {
      closeMenus();
      send("reaction", { channel, ts: m.ts, name: other.value.trim().replace(/:/g, "") });
    }
  });
  popup(anchor, [...items, other]);
}

function moreMenu(anchor, ui, channel, m) {
  const items = shortcuts("message").map((s) => {
    const b = button("menu-item", s.name, () => { closeMenus(); send("shortcut", { callback_id: s.callback_id, channel, ts: m.ts }); });
    b.dataset.callbackId = s.callback_id;
    return b;
  });
  items.push(button("menu-item", "Reply in thread", () => { closeMenus(); openThread(m.thread_ts || m.ts); }));
  popup(anchor, items);
}

export function messageNode(ui, channel, m, { inThread = false } = {}) {
  const node = el("div", `message ${m.ephemeral ? "ephemeral" : ""} ${m.bot ? "bot" : ""}`);
  node.dataset.ts = m.ts;
  const name = userName(m.user);
  node.appendChild(el("div", "avatar", initials(name)));
  const body = el("div", "body");
  const meta = el("div", "meta");
  meta.appendChild(el("b", "author", name));
  if (m.bot) meta.appendChild(el("span", "app-tag", "APP"));
  meta.appendChild(el("span", "time", localTime(ui.state.me.tz, new Date(Number(m.ts) * 1000).toISOString())));
  if (m.edited) meta.appendChild(el("span", "muted", "(edited)"));
  body.appendChild(meta);
  if (m.ephemeral) body.appendChild(el("div", "only-you", "Only visible to you"));
  const source = { kind: "message", channel, ts: m.ts };
  if (Array.isArray(m.blocks) && m.blocks.length) body.appendChild(renderBlocks(m.blocks, blockContext(source)));
  else body.appendChild(el("div", "text")).appendChild(mrkdwn(m.text || "", blockContext(source)));
  (m.files || []).forEach((f) => {
    const link = el("a", "file", `📎 ${f.title || f.name}`);
    const href = f.url && /^(https?:|\/)/.test(f.url) ? f.url : null;
    if (href) link.href = href;
    link.target = "_blank";
    body.appendChild(link);
    // Images show inline, as Slack shows an uploaded chart.
    if (href && /\.(png|jpe?g|gif|webp)$/i.test(f.name || href)) {
      const img = el("img", "file-image");
      img.src = href;
      img.alt = f.title || f.name || "";
      body.appendChild(img);
    }
  });
  if (!m.ephemeral) body.appendChild(reactionRow(ui, channel, m));
  if (!inThread && m.reply_count) {
    body.appendChild(button("replies", `${m.reply_count} repl${m.reply_count === 1 ? "y" : "ies"}`, () => openThread(m.ts)));
  }
  node.appendChild(body);
  if (!m.ephemeral) {
    const hover = el("div", "hover-actions");
    hover.appendChild(button("icon react", "☺", (e) => reactionPicker(e.currentTarget, ui, channel, m), "Add reaction"));
    if (!inThread) hover.appendChild(button("icon reply", "💬", () => openThread(m.thread_ts || m.ts), "Reply in thread"));
    hover.appendChild(button("icon more", "⋯", (e) => moreMenu(e.currentTarget, ui, channel, m), "More actions"));
    node.appendChild(hover);
  }
  return node;
}

function isTop(m) {
  return !m.thread_ts || m.thread_ts === m.ts;
}

let drawnKey = "";

export function renderConversation(main, ui, conversation, label) {
  main.classList.remove("on-home");
  document.getElementById("conv-title").textContent = label;
  document.getElementById("conv-purpose").textContent = conversation.purpose || "";
  const messages = ui.state.messages[conversation.id] || [];
  const key = JSON.stringify([ui.as, conversation.id, messages, ui.state.me.tz]);
  if (key === drawnKey) return;
  drawnKey = key;
  const list = document.getElementById("message-list");
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  list.replaceChildren(...messages.filter(isTop).map((m) => messageNode(ui, conversation.id, m)));
  if (!messages.length) list.appendChild(el("div", "empty muted", "No messages yet."));
  if (atBottom || list.dataset.channel !== conversation.id) list.scrollTop = list.scrollHeight;
  list.dataset.channel = conversation.id;
}

let threadKey = "";

export function renderThread(pane, ui) {
  const channel = ui.place;
  const messages = (ui.state.messages[channel] || []);
  const parent = ui.threadTs && messages.find((m) => m.ts === ui.threadTs);
  pane.classList.toggle("hidden", !parent);
  if (!parent) { threadKey = ""; return; }
  const replies = messages.filter((m) => m.thread_ts === parent.ts && m.ts !== parent.ts);
  const key = JSON.stringify([ui.as, channel, parent, replies]);
  if (key === threadKey) return;
  threadKey = key;
  const list = document.getElementById("thread-list");
  list.replaceChildren(messageNode(ui, channel, parent, { inThread: true }), el("div", "thread-count muted", `${replies.length} repl${replies.length === 1 ? "y" : "ies"}`));
  replies.forEach((m) => list.appendChild(messageNode(ui, channel, m, { inThread: true })));
  list.scrollTop = list.scrollHeight;
}

// The composer: Enter sends, Shift+Enter is a new line; "/" shows the app's commands.
function composer(form, ui, threadOf) {
  const input = form.querySelector("textarea");
  const hints = form.querySelector(".hints");
  const drawHints = () => {
    const text = input.value;
    hints.replaceChildren();
    if (!text.startsWith("/") || text.includes(" ")) return;
    commands().filter((c) => c.command.startsWith(text)).forEach((c) => {
      const row = button("hint", "", () => { input.value = `${c.command} `; hints.replaceChildren(); input.focus(); });
      row.dataset.command = c.command;
      row.append(el("b", null, c.command), el("span", "usage", ` ${c.usage_hint || ""}`), el("div", "muted", c.description));
      hints.appendChild(row);
    });
  };
  const submit = async () => {
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    hints.replaceChildren();
    const channel = ui.place;
    const thread_ts = threadOf();
    if (text.startsWith("/")) await send("command", { channel, text });
    else await send("message", { channel, text, ...(thread_ts ? { thread_ts } : {}) });
  };
  input.addEventListener("input", drawHints);
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); submit(); }
  });
  form.addEventListener("submit", (e) => { e.preventDefault(); submit(); });
}

export function initComposers(ui) {
  composer(document.getElementById("composer"), ui, () => null);
  composer(document.getElementById("thread-composer"), ui, () => ui.threadTs);
  document.getElementById("thread-close").addEventListener("click", () => openThread(null));
  document.getElementById("home-messages").addEventListener("click", () => {
    const dm = ui.state.conversations.find((c) => c.kind === "im" && c.members.includes(ui.state.team.bot_user_id));
    if (dm) go(dm.id);
  });
}
