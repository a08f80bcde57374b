// The playground page: polls /playground/state for the person it acts as and draws a Slack-like
// workspace from it (sidebar, conversation, thread, modals, App Home, clock, notices). Every
// click becomes one POST to the local workspace, which signs it and sends it to the real app;
// the page then re-reads the state. Nothing here decides what opsbot does.
import { getState, post } from "./api.js";
import { confirmDialog, rawBox } from "./blockkit.js";
import { COMMANDS, SHORTCUTS } from "./manifest.js";
import { initComposers, renderConversation, renderThread } from "./messages.js";
import { renderHome, renderModal } from "./surfaces.js";

const POLL_MS = 700;
const FALLBACK_USER = "UDANA";  // bot/playground/people.py's admin, to ask who else is there
const $ = (id) => document.getElementById(id);

const ui = {
  as: new URLSearchParams(location.search).get("as") || localStorage.getItem("playground-as") || "",
  state: null,
  version: null,
  place: localStorage.getItem("playground-place") || "",  // conversation id or "home"
  threadTs: null,
  localNotices: [],
};

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function userName(id) {
  const s = ui.state;
  if (s && id === s.team.bot_user_id) return s.team.bot_name || "opsbot";
  const user = s && s.users.find((u) => u.id === id);
  return user ? user.real_name : id;
}

function conversationLabel(c) {
  if (c.kind === "channel") return `# ${c.name}`;
  // As Slack: a DM is named for the people in it (the bot only when it is the other side).
  const bot = ui.state.team.bot_user_id;
  const people = c.members.filter((m) => m !== ui.as && m !== bot);
  return (people.length ? people : c.members.includes(bot) ? [bot] : [ui.as]).map(userName).join(", ");
}

export function localTime(zone, iso) {
  const when = iso ? new Date(iso) : new Date();
  return new Intl.DateTimeFormat("en-GB", { timeZone: zone, weekday: "short", hour: "2-digit", minute: "2-digit" }).format(when);
}

function clockTime(zone, iso) {
  return new Intl.DateTimeFormat("en-GB", { timeZone: zone, hour: "2-digit", minute: "2-digit" }).format(new Date(iso));
}

// What every Block Kit surface gets: names for mentions, lists for selects, the acting person's
// zone, and the three calls back to the workspace (act, options, confirm).
export function blockContext(source, extra = {}) {
  const s = ui.state;
  const values = new Map();
  const writers = new Map();
  return {
    users: Object.fromEntries(s.users.map((u) => [u.id, u]).concat([[s.team.bot_user_id, { handle: s.team.bot_name }]])),
    channels: Object.fromEntries(s.conversations.map((c) => [c.id, c])),
    userList: s.users,
    conversationList: s.conversations.map((c) => ({ ...c, name: c.kind === "channel" ? c.name : conversationLabel(c) })),
    channelId: source.channel,
    timeZone: s.me.tz,
    values,
    register(blockId, actionId, read, write) {
      if (!blockId || !actionId) return;
      if (!values.has(blockId)) values.set(blockId, new Map());
      values.get(blockId).set(actionId, read);
      if (write) writers.set(`${blockId}\n${actionId}`, write);
    },
    // Puts values read from an earlier render back (same block_id and action_id), as Slack
    // keeps what a person typed when the app updates the view under them.
    apply(state) {
      Object.entries(state || {}).forEach(([blockId, actions]) => {
        Object.entries(actions || {}).forEach(([actionId, value]) => {
          const write = writers.get(`${blockId}\n${actionId}`);
          if (write && value) write(value);
        });
      });
    },
    read() {
      const out = {};
      values.forEach((actions, blockId) => {
        out[blockId] = {};
        actions.forEach((read, actionId) => { out[blockId][actionId] = read(); });
      });
      return out;
    },
    act(action) { return send("action", { source, action, values: this.read() }); },
    async options(query) {
      const answer = await send("options", { source, view_id: source.view_id, ...query }, { quiet: true });
      return answer.ok === false ? { options: [] } : answer;
    },
    confirm(confirm) { return confirmDialog(confirm, this); },
    ...extra,
  };
}

// One POST, then a fresh read of the state; a refusal is shown as a notice, never swallowed.
export async function send(path, body, { quiet = false } = {}) {
  const answer = await post(path, { as: ui.as, ...body });
  // A refusal with an `error` comes from the workspace itself; the app's own non-2xx answers
  // are already in the state's notices, so they are not listed twice, and a modal's
  // validation errors show under their fields instead.
  if (answer.ok === false && !quiet && answer.error && !answer.errors) {
    ui.localNotices.push({ at: new Date().toISOString(), text: `${path}: ${answer.error || "refused"}`, raw: { request: body, answer } });
  }
  await refresh(true);
  return answer;
}

export function go(place, threadTs = null) {
  ui.place = place;
  ui.threadTs = threadTs;
  localStorage.setItem("playground-place", place);
  if (place === "home") post("home", { as: ui.as }).then(() => refresh(true));
  draw();
}

export function openThread(ts) {
  ui.threadTs = ts;
  draw();
}

export function commands() {
  return (ui.state && ui.state.commands) || COMMANDS;
}

export function shortcuts(kind) {
  return ((ui.state && ui.state.shortcuts) || SHORTCUTS).filter((s) => (s.type || s.kind) === kind);
}

function drawPeople() {
  const s = ui.state;
  const select = $("as-select");
  if (select.options.length !== s.users.length) {
    select.replaceChildren(...s.users.map((u) => {
      const o = el("option", null, u.real_name);
      o.value = u.id;
      return o;
    }));
  }
  // Everyone's local time, so "who is awake now" is visible before switching.
  Array.from(select.options).forEach((o, i) => {
    const u = s.users[i];
    o.textContent = `${u.real_name} · ${u.part} · ${clockTime(u.tz, s.now)}`;
    o.title = `${u.title}, ${u.tz}`;
  });
  select.value = ui.as;
  $("me-title").textContent = s.me.title;
  $("me-time").textContent = `${localTime(s.me.tz, s.now)} local · ${s.me.tz}`;
}

function drawSidebar() {
  const s = ui.state;
  const nav = $("conversations");
  nav.replaceChildren();
  const entry = (label, place, className) => {
    const b = el("button", `nav-item ${className || ""} ${ui.place === place ? "active" : ""}`, label);
    b.type = "button";
    b.dataset.place = place;
    b.addEventListener("click", () => go(place));
    nav.appendChild(b);
  };
  nav.appendChild(el("div", "nav-title", "Apps"));
  entry("opsbot · Home", "home", "app");
  nav.appendChild(el("div", "nav-title", "Channels"));
  s.conversations.filter((c) => c.kind === "channel").forEach((c) => entry(`# ${c.name}`, c.id));
  nav.appendChild(el("div", "nav-title", "Direct messages"));
  s.conversations.filter((c) => c.kind !== "channel").forEach((c) => entry(conversationLabel(c), c.id, "dm"));
}

function drawClock() {
  const s = ui.state;
  $("clock-now").textContent = `${new Date(s.now).toISOString().slice(0, 16).replace("T", " ")} UTC · ${localTime(s.me.tz, s.now)} for you`;
  const target = $("run-channel");
  const channels = s.conversations.filter((c) => c.kind === "channel");
  if (target.options.length !== channels.length + 1) {
    const chosen = target.value;
    target.replaceChildren(optionOf("", "its schedule"), ...channels.map((c) => optionOf(c.id, `#${c.name}`)));
    target.value = chosen;
  }
  const box = $("rituals");
  if (box.dataset.names === s.rituals.map((r) => r.name).join()) return;
  box.dataset.names = s.rituals.map((r) => r.name).join();
  box.replaceChildren(...s.rituals.map((r) => {
    const b = el("button", "run", `▶ ${r.name}`);
    b.type = "button";
    b.dataset.ritual = r.name;
    b.title = `Run now: ${r.title}`;
    b.addEventListener("click", async () => {
      b.disabled = true;
      const channel = $("run-channel").value;
      await send("run", { ritual: r.name, ...(channel ? { channels: [channel] } : {}) });
      b.disabled = false;
    });
    return b;
  }));
}

function optionOf(value, label) {
  const o = el("option", null, label);
  o.value = value;
  return o;
}

function drawNotices() {
  const all = [...(ui.state.notices || []), ...ui.localNotices];
  const strip = $("notices");
  strip.classList.toggle("hidden", !all.length);
  $("notice-count").textContent = `${all.length} notice${all.length === 1 ? "" : "s"}: ${all.length ? all[all.length - 1].text : ""}`;
  const list = $("notice-list");
  if (list.childElementCount === all.length) return;
  list.replaceChildren(...all.map((n) => {
    const item = el("div", "notice");
    item.appendChild(el("div", "notice-text", `${n.at} · ${n.text}`));
    if (n.raw !== undefined && n.raw !== null) item.appendChild(rawBox(n.raw, "raw"));
    return item;
  }));
}

function draw() {
  if (!ui.state) return;
  const s = ui.state;
  if (!ui.place || (ui.place !== "home" && !s.conversations.some((c) => c.id === ui.place))) {
    ui.place = (s.conversations.find((c) => c.kind === "channel") || { id: "home" }).id;
  }
  drawPeople();
  drawSidebar();
  drawClock();
  drawNotices();
  const main = $("main");
  main.dataset.place = ui.place;
  if (ui.place === "home") renderHome(main, ui);
  else {
    const conversation = s.conversations.find((c) => c.id === ui.place);
    renderConversation(main, ui, conversation, conversationLabel(conversation));
  }
  renderThread($("thread"), ui);
  renderModal($("modal-root"), ui);
}

async function refresh(force = false) {
  if (!ui.as) return;
  try {
    const asked = ui.as;
    const answer = await getState(asked, force ? null : ui.version);
    $("offline").classList.add("hidden");
    if (answer.unchanged) return;
    // Polls overlap: never let an answer for someone else, or an older one, replace a newer.
    if (asked !== ui.as || (answer.me && answer.me.id !== ui.as)) return;
    if (!force && ui.version != null && answer.version < ui.version) return;
    ui.state = answer;
    ui.version = answer.version;
    draw();
  } catch (error) {
    $("offline").classList.remove("hidden");
    $("offline").textContent = `The playground server does not answer (${error.message}).`;
  }
}

async function start() {
  // A remembered person who is not in this workspace (or none yet): start as its first person.
  const known = ui.as ? await getState(ui.as).catch(() => null) : null;
  if (!known) {
    const first = await getState(FALLBACK_USER).catch(() => null);
    ui.as = first ? first.users[0].id : FALLBACK_USER;
  }
  $("as-select").addEventListener("change", (e) => {
    ui.as = e.target.value;
    localStorage.setItem("playground-as", ui.as);
    ui.threadTs = null;
    if (ui.place === "home") post("home", { as: ui.as }).then(() => refresh(true));
    refresh(true);
  });
  document.querySelectorAll("[data-advance]").forEach((b) => b.addEventListener("click", async () => {
    const [amount, unit] = b.dataset.advance.split(" ");
    b.disabled = true;
    await send("clock", { [`advance_${unit}`]: Number(amount) });
    b.disabled = false;
  }));
  initComposers(ui);
  $("notice-toggle").addEventListener("click", () => $("notice-list").classList.toggle("hidden"));
  await refresh(true);
  setInterval(() => refresh(false), POLL_MS);
}

start();
