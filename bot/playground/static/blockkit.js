// Block Kit layout blocks, rendered the way Slack lays them out. A block or element this page
// does not know is never dropped: it is shown as its raw JSON in a visible box, so a new block
// type in opsbot shows up here as something to teach the page, not as a silent gap.
import { renderElement } from "./elements.js";
import { mrkdwn, plain, safeHref, textObject } from "./mrkdwn.js";

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function rawBox(value, why) {
  const box = el("div", "raw");
  box.appendChild(el("div", "raw-why", why));
  box.appendChild(el("pre", null, JSON.stringify(value, null, 2)));
  return box;
}

function elementOrRaw(element, where, ctx) {
  return renderElement(element, where, ctx) || rawBox(element, `element "${element && element.type}" is not rendered here`);
}

function section(block, ctx) {
  const row = el("div", "bk-section");
  const body = el("div", "bk-section-body");
  if (block.text) body.appendChild(el("div", "bk-text")).appendChild(textObject(block.text, ctx));
  if (block.fields && block.fields.length) {
    const grid = el("div", "bk-fields");
    block.fields.forEach((f) => grid.appendChild(el("div", "bk-field")).appendChild(textObject(f, ctx)));
    body.appendChild(grid);
  }
  row.appendChild(body);
  if (block.accessory) {
    const side = el("div", "bk-accessory");
    side.appendChild(elementOrRaw(block.accessory, { blockId: block.block_id }, ctx));
    row.appendChild(side);
  }
  return row;
}

function header(block, ctx) {
  const h = el("div", "bk-header");
  h.appendChild(textObject(block.text, ctx));
  return h;
}

function context(block, ctx) {
  const row = el("div", "bk-context");
  (block.elements || []).forEach((e) => {
    if (e.type === "image") {
      const img = el("img", "bk-context-img");
      const src = safeHref(e.image_url || "");
      if (src) img.src = src;
      img.alt = e.alt_text || "";
      row.appendChild(img);
    } else if (e.type === "mrkdwn" || e.type === "plain_text") {
      row.appendChild(el("span", "bk-context-item")).appendChild(textObject(e, ctx));
    } else {
      row.appendChild(rawBox(e, `context element "${e.type}" is not rendered here`));
    }
  });
  return row;
}

function actions(block, ctx) {
  const row = el("div", "bk-actions");
  (block.elements || []).forEach((e) => row.appendChild(elementOrRaw(e, { blockId: block.block_id }, ctx)));
  return row;
}

function input(block, ctx) {
  const box = el("div", "bk-input-block");
  box.dataset.blockId = block.block_id || "";
  const label = el("label", "bk-label");
  label.appendChild(textObject(block.label, ctx));
  if (block.optional) label.appendChild(el("span", "optional", " (optional)"));
  box.appendChild(label);
  const where = { blockId: block.block_id, input: true, dispatch: Boolean(block.dispatch_action) };
  box.appendChild(elementOrRaw(block.element, where, ctx));
  if (block.hint) box.appendChild(el("div", "bk-hint")).appendChild(textObject(block.hint, ctx));
  // The modal puts a response_action "errors" message here (see app.js).
  box.appendChild(el("div", "bk-error"));
  return box;
}

function image(block, ctx) {
  const fig = el("figure", "bk-image");
  if (block.title) fig.appendChild(el("figcaption")).appendChild(textObject(block.title, ctx));
  const img = el("img");
  const src = safeHref(block.image_url || "") || (block.slack_file && safeHref(block.slack_file.url || ""));
  if (src) img.src = src;
  img.alt = block.alt_text || "";
  fig.appendChild(img);
  return fig;
}

// rich_text: the structured form Slack clients send for typed messages.
function richText(block, ctx) {
  const box = el("div", "bk-rich");
  (block.elements || []).forEach((part) => box.appendChild(richPart(part, ctx)));
  return box;
}

function richPart(part, ctx) {
  switch (part.type) {
    case "rich_text_section":
      return richInline(part.elements, ctx, el("div"));
    case "rich_text_preformatted":
      return richInline(part.elements, ctx, el("pre"));
    case "rich_text_quote":
      return richInline(part.elements, ctx, el("blockquote"));
    case "rich_text_list": {
      const list = el(part.style === "ordered" ? "ol" : "ul");
      (part.elements || []).forEach((item) => list.appendChild(el("li")).appendChild(richPart(item, ctx)));
      return list;
    }
    default:
      return rawBox(part, `rich_text part "${part.type}" is not rendered here`);
  }
}

function richInline(elements, ctx, parent) {
  (elements || []).forEach((e) => {
    let node;
    if (e.type === "text") node = document.createTextNode(e.text || "");
    else if (e.type === "link") {
      node = el("a", null, e.text || e.url);
      const href = safeHref(e.url || "");
      if (href) { node.href = href; node.target = "_blank"; node.rel = "noopener noreferrer"; }
    } else if (e.type === "user") node = mrkdwn(`<@${e.user_id}>`, ctx);
    else if (e.type === "channel") node = mrkdwn(`<#${e.channel_id}>`, ctx);
    else if (e.type === "emoji") node = mrkdwn(`:${e.name}:`, ctx);
    else if (e.type === "broadcast") node = mrkdwn(`<!${e.range}>`, ctx);
    else node = rawBox(e, `rich_text element "${e.type}" is not rendered here`);
    const style = e.style || {};
    if (style.code) node = wrap("code", node);
    if (style.bold) node = wrap("b", node);
    if (style.italic) node = wrap("i", node);
    if (style.strike) node = wrap("s", node);
    parent.appendChild(node);
  });
  return parent;
}

function wrap(tag, node) {
  const outer = el(tag);
  outer.appendChild(node);
  return outer;
}

const BLOCKS = {
  section,
  header,
  context,
  actions,
  input,
  image,
  rich_text: richText,
  divider: () => el("hr", "bk-divider"),
};

// ctx: {users: {id: user}, channels: {id: conversation}, userList, conversationList, channelId,
// timeZone, register(blockId, actionId, read), act(action), options(query) -> Promise,
// confirm(confirmObject) -> Promise<bool>}.
export function renderBlocks(blocks, ctx) {
  const root = el("div", "blocks");
  if (!Array.isArray(blocks)) {
    root.appendChild(rawBox(blocks, "blocks is not a list"));
    return root;
  }
  blocks.forEach((block) => {
    const render = block && BLOCKS[block.type];
    const node = render ? render(block, ctx) : rawBox(block, `block "${block && block.type}" is not rendered here`);
    node.classList.add("bk-block");
    if (block && block.block_id) node.dataset.blockId = block.block_id;
    root.appendChild(node);
  });
  return root;
}

// A confirm object ({title, text, confirm, deny, style}) as a small dialog; resolves true on
// confirm. Used for buttons and menus that ask before acting.
export function confirmDialog(confirm, ctx) {
  return new Promise((resolve) => {
    const shade = el("div", "shade confirm-shade");
    const box = el("div", "confirm-dialog");
    box.appendChild(el("h3", null, plain(confirm.title) || "Are you sure?"));
    box.appendChild(el("div", "confirm-text")).appendChild(textObject(confirm.text, ctx));
    const row = el("div", "confirm-buttons");
    const deny = el("button", "bk-button", plain(confirm.deny) || "Cancel");
    const yes = el("button", `bk-button ${confirm.style === "danger" ? "danger" : "primary"}`, plain(confirm.confirm) || "Yes");
    const done = (answer) => { shade.remove(); resolve(answer); };
    deny.addEventListener("click", () => done(false));
    yes.addEventListener("click", () => done(true));
    row.append(deny, yes);
    box.appendChild(row);
    shade.appendChild(box);
    document.body.appendChild(shade);
  });
}
