// Slack's mrkdwn, rendered into DOM nodes. Every piece of text goes in through textContent or
// createTextNode, never innerHTML: the page shows what customers and colleagues typed, and a
// message saying "<img onerror=...>" must show those characters, not run them.

// The shortcodes opsbot itself writes (grep bot/ for ":name:") and a few common reactions;
// anything else is shown as its :shortcode: text, as Slack does for unknown custom emoji.
export const EMOJI = {
  "+1": "👍", "-1": "👎", thumbsup: "👍", thumbsdown: "👎", heart: "❤️", tada: "🎉",
  eyes: "👀", bulb: "💡", rocket: "🚀", handshake: "🤝", ambulance: "🚑", bar_chart: "📊",
  white_check_mark: "✅", ballot_box_with_check: "☑️", warning: "⚠️", hourglass: "⌛",
  hourglass_flowing_sand: "⏳", wave: "👋", thinking_face: "🤔", telephone_receiver: "📞",
  zzz: "💤", wastebasket: "🗑️", memo: "📝", mag: "🔍", leftwards_arrow_with_hook: "↩️",
  checkered_flag: "🏁", calendar: "📆", spiral_calendar_pad: "🗓️", white_circle: "⚪",
  red_circle: "🔴", large_orange_circle: "🟠", large_blue_circle: "🔵", stopwatch: "⏱️",
  speech_balloon: "💬", raising_hand: "🙋", raised_hand: "✋", pencil2: "✏️", ok_hand: "👌",
  information_source: "ℹ️", inbox_tray: "📥", heavy_plus_sign: "➕", gear: "⚙️", book: "📖",
  arrows_counterclockwise: "🔄", arrow_forward: "▶️", arrow_down: "⬇️", alarm_clock: "⏰",
  fire: "🔥", bug: "🐛", star: "⭐", pray: "🙏", smile: "😄", x: "❌", calling: "📲",
  memory: "🧠", v1: "1️⃣", remind: "🔔", sparkles: "✨", wrench: "🔧", mega: "📣", package: "📦",
  chart_with_upwards_trend: "📈", clipboard: "📋", email: "📧", link: "🔗", lock: "🔒", new: "🆕",
};

export function emoji(name) {
  return EMOJI[name] || `:${name}:`;
}

// Slack sends &, < and > escaped inside text; show the characters.
export function unescapeSlack(text) {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

const SAFE_URL = /^(https?:|mailto:)/i;

export function safeHref(url) {
  return SAFE_URL.test(url) ? url : null;
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// <...>: links, mentions, channels, special mentions and dates.
function angle(inner, ctx) {
  const [target, label] = splitOnce(inner, "|");
  if (target.startsWith("@")) {
    const id = target.slice(1);
    const user = ctx.users && ctx.users[id];
    return el("span", "mention", "@" + (user ? user.handle : unescapeSlack(label || id)));
  }
  if (target.startsWith("#")) {
    const id = target.slice(1);
    const conv = ctx.channels && ctx.channels[id];
    return el("span", "mention channel", "#" + (conv ? conv.name : unescapeSlack(label || id)));
  }
  if (target.startsWith("!")) {
    const what = target.slice(1);
    if (what.startsWith("subteam^")) return el("span", "mention", unescapeSlack(label || "@group"));
    if (what.startsWith("date^")) {
      return el("span", "date", unescapeSlack(label || formatDate(what, ctx)));
    }
    return el("span", "mention special", "@" + what.split("^")[0]);
  }
  const href = safeHref(unescapeSlack(target));
  // Not a link Slack would make (no http/https/mailto): show the characters as typed.
  if (!href) return document.createTextNode(label ? unescapeSlack(label) : `<${unescapeSlack(inner)}>`);
  const a = el("a", null, unescapeSlack(label || target));
  a.href = href;
  a.target = "_blank";
  a.rel = "noopener noreferrer";
  return a;
}

function formatDate(spec, ctx) {
  const seconds = Number(spec.split("^")[1]);
  if (!Number.isFinite(seconds)) return spec;
  const options = { dateStyle: "medium", timeStyle: "short" };
  if (ctx.timeZone) options.timeZone = ctx.timeZone;
  return new Date(seconds * 1000).toLocaleString("en-GB", options);
}

function splitOnce(text, sep) {
  const at = text.indexOf(sep);
  return at < 0 ? [text, ""] : [text.slice(0, at), text.slice(at + 1)];
}

// Inline tokens. Bold/italic/strike need a non-word character (or the edge) outside the markers,
// as in Slack, so snake_case_names and 2*3*4 stay plain.
const INLINE = /`([^`\n]+)`|<([^<>\n]+)>|(^|[^\w*])\*(\S(?:[^*\n]*?\S)?)\*(?![\w*])|(^|[^\w_])_(\S(?:[^_\n]*?\S)?)_(?![\w_])|(^|[^\w~])~(\S(?:[^~\n]*?\S)?)~(?![\w~])|:([a-z0-9_+'-]+):/;

export function inline(text, ctx, parent) {
  let rest = text;
  while (rest) {
    const m = INLINE.exec(rest);
    if (!m) {
      parent.appendChild(document.createTextNode(unescapeSlack(rest)));
      return parent;
    }
    let start = m.index;
    let lead = "";
    if (m[3] !== undefined) lead = m[3];
    else if (m[5] !== undefined) lead = m[5];
    else if (m[7] !== undefined) lead = m[7];
    const before = rest.slice(0, start) + lead;
    if (before) parent.appendChild(document.createTextNode(unescapeSlack(before)));
    if (m[1] !== undefined) parent.appendChild(el("code", null, unescapeSlack(m[1])));
    else if (m[2] !== undefined) parent.appendChild(angle(m[2], ctx));
    else if (m[4] !== undefined) parent.appendChild(inline(m[4], ctx, el("b")));
    else if (m[6] !== undefined) parent.appendChild(inline(m[6], ctx, el("i")));
    else if (m[8] !== undefined) parent.appendChild(inline(m[8], ctx, el("s")));
    else if (m[9] !== undefined) {
      parent.appendChild(el("span", EMOJI[m[9]] ? "emoji" : "emoji unknown", emoji(m[9])));
    }
    start += m[0].length;
    rest = rest.slice(start);
  }
  return parent;
}

// Block level: ```fenced``` code, then lines starting with "&gt; " or "> " as quotes.
export function mrkdwn(text, ctx = {}) {
  const root = el("span", "mrkdwn");
  const parts = String(text ?? "").split("```");
  parts.forEach((part, index) => {
    if (index % 2 === 1 && index < parts.length - 1) {
      root.appendChild(el("pre", null, unescapeSlack(part.replace(/^\n/, ""))));
      return;
    }
    const chunk = index % 2 === 1 ? "```" + part : part;
    lines(chunk, ctx, root);
  });
  return root;
}

function lines(chunk, ctx, root) {
  let quote = null;
  chunk.split("\n").forEach((line, index, all) => {
    const q = /^(&gt;|>)\s?/.exec(line);
    if (q) {
      if (!quote) {
        quote = el("blockquote");
        root.appendChild(quote);
      } else {
        quote.appendChild(el("br"));
      }
      inline(line.slice(q[0].length), ctx, quote);
      return;
    }
    quote = null;
    inline(line, ctx, root);
    if (index < all.length - 1 && !/^(&gt;|>)/.test(all[index + 1])) root.appendChild(el("br"));
  });
}

// A text object: {type: "plain_text" | "mrkdwn", text, emoji?, verbatim?}.
export function textObject(obj, ctx = {}) {
  if (obj == null) return el("span");
  if (typeof obj === "string") return el("span", "plain", obj);
  if (obj.type === "mrkdwn") return mrkdwn(obj.text, ctx);
  const span = el("span", "plain");
  // plain_text: no formatting, but :emoji: becomes the emoji when `emoji` is not false.
  if (obj.emoji === false) span.textContent = obj.text ?? "";
  else {
    String(obj.text ?? "").split(/(:[a-z0-9_+'-]+:)/).forEach((piece) => {
      const m = /^:([a-z0-9_+'-]+):$/.exec(piece);
      span.appendChild(document.createTextNode(m && EMOJI[m[1]] ? EMOJI[m[1]] : piece));
    });
  }
  return span;
}

export function plain(obj) {
  if (obj == null) return "";
  return typeof obj === "string" ? obj : String(obj.text ?? "");
}
