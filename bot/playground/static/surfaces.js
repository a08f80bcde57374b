// Views: the modal stack (only the top one shows, as in Slack; submit, close, back for pushed
// views, inline errors under the field) and the App Home tab.
import { blockContext, send } from "./app.js";
import { renderBlocks } from "./blockkit.js";
import { plain } from "./mrkdwn.js";

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function button(className, text, onClick) {
  const b = el("button", className, text);
  b.type = "button";
  b.addEventListener("click", onClick);
  return b;
}

let homeKey = "";

export function renderHome(main, ui) {
  main.classList.add("on-home");
  document.getElementById("conv-title").textContent = "opsbot";
  document.getElementById("conv-purpose").textContent = "App Home";
  const box = document.getElementById("home-view");
  const home = ui.state.home;
  const key = JSON.stringify([ui.as, home]);
  if (key === homeKey) return;
  homeKey = key;
  if (!home) {
    box.replaceChildren(el("div", "muted", "Opening opsbot's Home tab…"));
    return;
  }
  const ctx = blockContext({ kind: "home", view_id: home.id });
  box.replaceChildren(renderBlocks(home.blocks || [], ctx));
}

// Puts response_action "errors" under their fields; an error for a block that is not an input
// (Slack would refuse it) is shown on top of the modal rather than lost.
function showErrors(modal, errors) {
  modal.querySelectorAll(".bk-error").forEach((e) => { e.textContent = ""; });
  modal.querySelectorAll(".bk-input-block.has-error").forEach((b) => b.classList.remove("has-error"));
  const top = modal.querySelector(".modal-errors");
  top.replaceChildren();
  Object.entries(errors || {}).forEach(([blockId, text]) => {
    const block = Array.from(modal.querySelectorAll(".bk-input-block")).find((b) => b.dataset.blockId === blockId);
    if (block) {
      block.classList.add("has-error");
      block.querySelector(".bk-error").textContent = text;
    } else {
      top.appendChild(el("div", "bk-error", `${blockId}: ${text}`));
    }
  });
}

let modalKey = "";
let shown = { as: null, viewId: null, ctx: null };

export function renderModal(root, ui) {
  const stack = ui.state.views || [];
  const top = stack[stack.length - 1];
  const key = top ? JSON.stringify([ui.as, stack.length, top.id, top.hash, top.blocks, top.title]) : "";
  if (key === modalKey) return;
  modalKey = key;
  // The same view updated by the app (views.update): keep what was typed into it.
  const carried = top && shown.ctx && shown.as === ui.as && shown.viewId === top.id ? shown.ctx.read() : null;
  shown = { as: ui.as, viewId: null, ctx: null };
  root.replaceChildren();
  root.classList.toggle("hidden", !top);
  if (!top) return;
  const modal = el("div", "modal");
  modal.dataset.viewId = top.id;
  modal.dataset.callbackId = top.callback_id || "";
  const head = el("div", "modal-head");
  if (stack.length > 1) head.appendChild(button("icon back", "‹", () => send("close", { view_id: top.id })));
  head.appendChild(el("h2", "modal-title", plain(top.title)));
  head.appendChild(button("icon close-x", "×", () => send("close", { view_id: top.id })));
  modal.appendChild(head);
  modal.appendChild(el("div", "modal-errors"));
  const ctx = blockContext({ kind: "view", view_id: top.id });
  const body = el("div", "modal-body");
  if (top.type !== "modal") body.appendChild(el("div", "muted", `view type "${top.type}"`));
  body.appendChild(renderBlocks(top.blocks || [], ctx));
  if (carried) ctx.apply(carried);
  shown = { as: ui.as, viewId: top.id, ctx };
  modal.appendChild(body);
  const foot = el("div", "modal-foot");
  foot.appendChild(button("bk-button modal-close", plain(top.close) || "Cancel", () => send("close", { view_id: top.id })));
  if (top.submit) {
    const submit = button("bk-button primary modal-submit", plain(top.submit), async () => {
      submit.disabled = true;
      const answer = await send("submit", { view_id: top.id, values: ctx.read() });
      submit.disabled = false;
      if (answer.errors) showErrors(modal, answer.errors);
    });
    foot.appendChild(submit);
  }
  modal.appendChild(foot);
  root.appendChild(modal);
}
