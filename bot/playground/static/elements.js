// Block Kit's interactive elements. Each one renders itself, reports its value in the shape
// Slack puts in `view.state.values` (ctx.register) and, where Slack would, sends a block action
// (ctx.act). Labels and options are inserted as text nodes only (see mrkdwn.js).
import { mrkdwn, plain, safeHref, textObject } from "./mrkdwn.js";

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function optionLabel(option, ctx) {
  return option.text && option.text.type === "mrkdwn" ? mrkdwn(option.text.text, ctx) : textObject(option.text, ctx);
}

// Options as Slack sends them back: text and value (and description when the option had one).
function picked(option) {
  const out = { text: option.text, value: option.value };
  if (option.description) out.description = option.description;
  return out;
}

// The values a state entry selects, whatever its element type (for carrying input over).
function selectedValues(v) {
  const out = [];
  if (v.selected_option) out.push(v.selected_option.value);
  (v.selected_options || []).forEach((o) => out.push(o.value));
  ["user", "conversation", "channel"].forEach((name) => {
    if (v[`selected_${name}`]) out.push(v[`selected_${name}`]);
    (v[`selected_${name}s`] || []).forEach((id) => out.push(id));
  });
  return out;
}

function allOptions(element) {
  if (element.option_groups) return element.option_groups.flatMap((g) => g.options || []);
  return element.options || [];
}

function sameValue(a, b) {
  return a && b && a.value === b.value;
}

// Sends the block action unless the element sits in an input block without dispatch_action.
function fire(ctx, where, element, fields) {
  if (where.input && !where.dispatch) return;
  const send = () => ctx.act({ action_id: element.action_id, block_id: where.blockId, type: element.type, ...fields });
  if (element.confirm) ctx.confirm(element.confirm).then((yes) => yes && send());
  else send();
}

function button(element, where, ctx) {
  const b = el("button", `bk-button ${element.style || ""}`.trim());
  b.type = "button";
  b.appendChild(textObject(element.text, ctx));
  b.dataset.actionId = element.action_id || "";
  if (element.accessibility_label) b.setAttribute("aria-label", element.accessibility_label);
  b.addEventListener("click", () => {
    const href = element.url && safeHref(element.url);
    if (href) window.open(href, "_blank", "noopener");
    fire(ctx, where, element, { value: element.value, text: element.text });
  });
  return b;
}

function fillSelect(select, element, entries) {
  if (element.option_groups) {
    element.option_groups.forEach((group) => {
      const og = document.createElement("optgroup");
      og.label = plain(group.label);
      (group.options || []).forEach((o) => og.appendChild(optionNode(o.value, plain(o.text))));
      select.appendChild(og);
    });
    return;
  }
  entries.forEach(([value, label]) => select.appendChild(optionNode(value, label)));
}

function optionNode(value, label) {
  const o = document.createElement("option");
  o.value = value;
  o.textContent = label;
  return o;
}

// Kinds of native-select elements: what they list, what they start with, what they send.
function selectKind(element, ctx) {
  const multi = element.type.startsWith("multi_");
  const base = element.type.replace(/^multi_/, "");
  const users = ctx.userList || [];
  // conversations_select's filter.include names Slack's kinds; the workspace has public channels,
  // DMs and group DMs.
  const include = (element.filter && element.filter.include) || null;
  const kindName = { channel: "public", im: "im", mpim: "mpim" };
  const convs = (ctx.conversationList || [])
    .filter((c) => base !== "channels_select" || c.kind === "channel")
    .filter((c) => !include || include.includes(kindName[c.kind]));
  if (base === "static_select") {
    const options = allOptions(element);
    return {
      multi,
      entries: options.map((o) => [o.value, plain(o.text)]),
      initial: multi ? (element.initial_options || []).map((o) => o.value) : [element.initial_option && element.initial_option.value],
      out: (values) => {
        const chosen = options.filter((o) => values.includes(o.value)).map(picked);
        return multi ? { selected_options: chosen } : { selected_option: chosen[0] || null };
      },
    };
  }
  const name = { users_select: "user", conversations_select: "conversation", channels_select: "channel" }[base];
  if (!name) return null;
  const entries = name === "user"
    ? users.map((u) => [u.id, `${u.real_name} (@${u.handle})`])
    : convs.map((c) => [c.id, c.kind === "channel" ? `#${c.name}` : c.name]);
  let initial = multi ? element[`initial_${name}s`] || [] : [element[`initial_${name}`]];
  if (element.default_to_current_conversation && ctx.channelId && !initial.filter(Boolean).length) initial = [ctx.channelId];
  return {
    multi,
    entries,
    initial,
    out: (values) => (multi ? { [`selected_${name}s`]: values } : { [`selected_${name}`]: values[0] || null }),
  };
}

function nativeSelect(element, where, ctx) {
  const kind = selectKind(element, ctx);
  if (!kind) return null;
  const select = el("select", "bk-select");
  select.dataset.actionId = element.action_id || "";
  select.multiple = kind.multi;
  if (!kind.multi) {
    const none = optionNode("", plain(element.placeholder) || "Select an item");
    select.appendChild(none);
  }
  fillSelect(select, element, kind.entries);
  Array.from(select.options).forEach((o) => { o.selected = o.value !== "" && kind.initial.includes(o.value); });
  const values = () => Array.from(select.selectedOptions).map((o) => o.value).filter(Boolean);
  ctx.register(where.blockId, element.action_id, () => ({ type: element.type, ...kind.out(values()) }), (v) => {
    const wanted = selectedValues(v);
    Array.from(select.options).forEach((o) => { o.selected = o.value !== "" && wanted.includes(o.value); });
  });
  select.addEventListener("change", () => fire(ctx, where, element, kind.out(values())));
  return select;
}

// external_select: the options come from the app (block_suggestion) as the person types.
function externalSelect(element, where, ctx) {
  const multi = element.type === "multi_external_select";
  const box = el("div", "bk-external");
  box.dataset.actionId = element.action_id || "";
  let chosen = multi ? [...(element.initial_options || [])] : element.initial_option ? [element.initial_option] : [];
  const chips = el("div", "chips");
  const input = el("input", "bk-input");
  input.placeholder = plain(element.placeholder) || "Type to search";
  const list = el("div", "suggestions");
  const minLength = element.min_query_length ?? 3;
  const send = () => fire(ctx, where, element, multi ? { selected_options: chosen.map(picked) } : { selected_option: chosen[0] ? picked(chosen[0]) : null });
  const drawChips = () => {
    chips.replaceChildren();
    chosen.forEach((o, i) => {
      const chip = el("span", "chip", plain(o.text));
      const x = el("button", "chip-x", "×");
      x.type = "button";
      x.addEventListener("click", () => { chosen.splice(i, 1); drawChips(); send(); });
      chip.appendChild(x);
      chips.appendChild(chip);
    });
  };
  const choose = (o) => {
    chosen = multi ? [...chosen.filter((c) => !sameValue(c, o)), o] : [o];
    input.value = "";
    list.replaceChildren();
    drawChips();
    send();
  };
  let timer = null;
  const load = () => {
    clearTimeout(timer);
    if (input.value.length < minLength) { list.replaceChildren(); return; }
    timer = setTimeout(async () => {
      const answer = await ctx.options({ action_id: element.action_id, block_id: where.blockId, value: input.value });
      list.replaceChildren();
      const groups = answer.option_groups || [{ options: answer.options || [] }];
      groups.forEach((g) => {
        if (g.label) list.appendChild(el("div", "group-label", plain(g.label)));
        (g.options || []).forEach((o) => {
          const b = el("button", "suggestion", plain(o.text));
          b.type = "button";
          b.addEventListener("click", () => choose(o));
          list.appendChild(b);
        });
      });
      if (!list.children.length) list.appendChild(el("div", "muted", "No matches"));
    }, 250);
  };
  input.addEventListener("input", load);
  // With min_query_length 0 Slack lists the options as soon as the menu opens.
  if (minLength === 0) input.addEventListener("focus", load);
  ctx.register(where.blockId, element.action_id, () => ({
    type: element.type,
    ...(multi ? { selected_options: chosen.map(picked) } : { selected_option: chosen[0] ? picked(chosen[0]) : null }),
  }), (v) => {
    chosen = multi ? [...(v.selected_options || [])] : v.selected_option ? [v.selected_option] : [];
    drawChips();
  });
  drawChips();
  box.append(chips, input, list);
  return box;
}

function overflow(element, where, ctx) {
  const box = el("span", "bk-overflow");
  const toggle = el("button", "bk-button overflow", "⋯");
  toggle.type = "button";
  toggle.dataset.actionId = element.action_id || "";
  const menu = el("div", "menu hidden");
  (element.options || []).forEach((o) => {
    const item = el("button", "menu-item", plain(o.text));
    item.type = "button";
    item.addEventListener("click", () => {
      menu.classList.add("hidden");
      const href = o.url && safeHref(o.url);
      if (href) window.open(href, "_blank", "noopener");
      fire(ctx, where, element, { selected_option: picked(o) });
    });
    menu.appendChild(item);
  });
  toggle.addEventListener("click", () => menu.classList.toggle("hidden"));
  box.append(toggle, menu);
  return box;
}

// Seconds since the epoch <-> the wall clock "YYYY-MM-DDTHH:MM" in a time zone.
function wallClock(seconds, timeZone) {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
  }).formatToParts(new Date(seconds * 1000));
  const get = (t) => parts.find((p) => p.type === t).value;
  return `${get("year")}-${get("month")}-${get("day")}T${get("hour")}:${get("minute")}`;
}

function fromWallClock(text, timeZone) {
  const guess = Date.parse(text + ":00Z") / 1000;
  const shown = Date.parse(wallClock(guess, timeZone) + ":00Z") / 1000;
  return guess - (shown - guess);
}

function pickerInput(element, where, ctx) {
  const input = el("input", "bk-input");
  input.dataset.actionId = element.action_id || "";
  const zone = ctx.timeZone || "UTC";
  let read;
  if (element.type === "datepicker") {
    input.type = "date";
    input.value = element.initial_date || "";
    read = () => ({ selected_date: input.value || null });
  } else if (element.type === "timepicker") {
    input.type = "time";
    input.value = element.initial_time || "";
    // Slack echoes a timepicker's own time zone next to the time.
    read = () => ({ selected_time: input.value || null, ...(element.timezone ? { timezone: element.timezone } : {}) });
  } else {
    input.type = "datetime-local";
    if (element.initial_date_time) input.value = wallClock(element.initial_date_time, zone);
    read = () => ({ selected_date_time: input.value ? fromWallClock(input.value, zone) : null });
  }
  const write = (v) => {
    if (v.selected_date !== undefined) input.value = v.selected_date || "";
    if (v.selected_time !== undefined) input.value = v.selected_time || "";
    if (v.selected_date_time !== undefined) input.value = v.selected_date_time ? wallClock(v.selected_date_time, zone) : "";
  };
  ctx.register(where.blockId, element.action_id, () => ({ type: element.type, ...read() }), write);
  input.addEventListener("change", () => fire(ctx, where, element, read()));
  return input;
}

function textInput(element, where, ctx) {
  const multiline = element.type === "plain_text_input" && element.multiline;
  const input = el(multiline ? "textarea" : "input", "bk-input");
  input.dataset.actionId = element.action_id || "";
  if (!multiline) input.type = { url_text_input: "url", email_text_input: "email", number_input: "number" }[element.type] || "text";
  if (element.initial_value != null) input.value = String(element.initial_value);
  if (element.max_length) input.maxLength = element.max_length;
  if (element.min_length) input.minLength = element.min_length;
  if (element.type === "number_input" && !element.is_decimal_allowed) input.step = "1";
  if (element.placeholder) input.placeholder = plain(element.placeholder);
  ctx.register(where.blockId, element.action_id, () => ({ type: element.type, value: input.value === "" ? null : input.value }), (v) => {
    input.value = v.value == null ? "" : String(v.value);
  });
  // dispatch_action inputs send on Enter (Slack's default trigger).
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !multiline) fire(ctx, where, element, { value: input.value });
  });
  return input;
}

function choices(element, where, ctx) {
  const radio = element.type === "radio_buttons";
  const box = el("div", "bk-choices");
  box.dataset.actionId = element.action_id || "";
  const name = `c${Math.random().toString(36).slice(2)}`;
  const initial = radio ? [element.initial_option].filter(Boolean) : element.initial_options || [];
  const inputs = (element.options || []).map((o) => {
    const label = el("label", "choice");
    const input = el("input");
    input.type = radio ? "radio" : "checkbox";
    input.name = name;
    input.value = o.value;
    input.checked = initial.some((i) => sameValue(i, o));
    const text = el("span");
    text.appendChild(optionLabel(o, ctx));
    if (o.description) text.appendChild(el("div", "muted")).appendChild(optionLabel({ text: o.description }, ctx));
    label.append(input, text);
    box.appendChild(label);
    return [input, o];
  });
  const read = () => {
    const on = inputs.filter(([i]) => i.checked).map(([, o]) => picked(o));
    return radio ? { selected_option: on[0] || null } : { selected_options: on };
  };
  ctx.register(where.blockId, element.action_id, () => ({ type: element.type, ...read() }), (v) => {
    const wanted = selectedValues(v);
    inputs.forEach(([i, o]) => { i.checked = wanted.includes(o.value); });
  });
  inputs.forEach(([i]) => i.addEventListener("change", () => fire(ctx, where, element, read())));
  return box;
}

function image(element) {
  const img = el("img", "bk-thumb");
  const src = safeHref(element.image_url || "");
  if (src) img.src = src;
  img.alt = element.alt_text || "";
  return img;
}

const RENDERERS = {
  button,
  overflow,
  image,
  external_select: externalSelect,
  multi_external_select: externalSelect,
  datepicker: pickerInput,
  timepicker: pickerInput,
  datetimepicker: pickerInput,
  plain_text_input: textInput,
  url_text_input: textInput,
  email_text_input: textInput,
  number_input: textInput,
  checkboxes: choices,
  radio_buttons: choices,
};

// Returns the element's node, or null for a type this page does not know (the caller shows it
// as raw JSON).
export function renderElement(element, where, ctx) {
  if (!element || typeof element !== "object") return null;
  const render = RENDERERS[element.type];
  if (render) return render(element, where, ctx);
  if (/select$/.test(element.type)) return nativeSelect(element, where, ctx);
  return null;
}
