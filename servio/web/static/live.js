/* servio live-assist demo: two composers, one chat, a side panel updated after every turn.

   Turns go out one at a time, in the order they were sent, so the chat on the page and the one
   servio scores stay the same. A turn shows as "sending" until servio has taken it; a refused
   turn leaves the chat and its text goes back to its box. Every text comes from the page
   (data-* attributes, in the page's language) or from the server's answer, which is in it too. */
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("live");
  if (!root) { return; }
  const text = root.dataset;
  const byId = (id) => document.getElementById(id);
  const stages = JSON.parse(byId("stage-data").textContent);
  const chat = byId("chat");
  let session = null;  // the promise of the session id, from the first turn of a chat
  let queue = Promise.resolve();  // the turns still to go out, one after another
  let generation = 0;  // a new chat counts up: answers that come back for an older chat are dropped
  let gone = false;  // the server no longer has this chat (idle too long, restarted, or full)

  function url(path) {
    return `${text.url}${path}?lang=${encodeURIComponent(text.lang)}`;
  }

  function request(method, path, body, keepalive) {
    const opts = { method, headers: { "X-Servio": "1" }, credentials: "same-origin", keepalive: Boolean(keepalive) };
    if (body !== undefined) { opts.headers["Content-Type"] = "application/json"; opts.body = JSON.stringify(body); }
    return fetch(url(path), opts).then(async (r) => {
      const data = await r.json().catch(() => ({}));
      if (!r.ok) {
        // 404 and 422 come with a message in the page's language; 401 is a dashboard sign-in that ended;
        // anything else is "did not answer"
        const known = (r.status === 404 || r.status === 422) && typeof data.detail === "string";
        const err = new Error(known ? data.detail : (r.status === 401 ? text.signedOut : text.error));
        err.status = r.status;
        err.field = data.field || null;
        throw err;
      }
      return data;
    });
  }

  function open() {
    const body = { language: byId("live-language").value || null,
                   contact_type: byId("live-contact-type").value || null };
    byId("live-settings").disabled = true;  // the chat keeps what it opened with; a new chat may change it
    session = request("POST", "", body).then((s) => s.session_id);
    const opening = session;
    opening.catch(() => { if (session === opening) { session = null; byId("live-settings").disabled = false; } });
    return session;
  }

  function end(keepalive) {
    if (session) {
      session.then((id) => request("DELETE", `/${encodeURIComponent(id)}`, undefined, keepalive)).catch(() => {});
    }
    session = null;
  }

  function showError(message, offerNewChat) {
    byId("live-error-text").textContent = message;
    byId("live-error-restart").hidden = !offerNewChat;
    byId("live-error").hidden = false;
  }

  function hideError() {
    byId("live-error").hidden = true;
    // the boxes' description is how they work again, without the reason of a turn no longer refused
    document.querySelectorAll(".composer textarea").forEach((box) => box.setAttribute("aria-describedby", "live-keys"));
  }

  /* Done or not, said in words for a screen reader; the ✓ shows it (CSS), not the dot's fill alone. */
  function markStep(li, done) {
    li.classList.toggle("done", done);
    li.querySelector(".step-state").textContent = `, ${done ? text.stepDone : text.stepTodo}`;
  }

  /* A live region's text, set only when it changes: setting the same words again reads them out again. */
  function say(node, words) {
    if (node.textContent !== words) { node.textContent = words; }
  }

  function setWarnings(list, warnings) {
    const texts = warnings.map((w) => w.text);
    const shown = [...list.children].map((li) => (li.classList.contains("none") ? null : li.textContent));
    if (list.id === "near-warnings") { byId("near-warn").hidden = !warnings.length; }
    // the same warnings (or still none): the list stays, and a screen reader does not hear it again
    const same = texts.length ? shown.length === texts.length && shown.every((t, i) => t === texts[i])
      : shown.length === 1 && shown[0] === null;
    if (same) { return; }
    list.textContent = "";
    if (!warnings.length) { list.append(el("li", { class: "none" }, text.noWarnings)); }
    warnings.forEach((w) => list.append(el("li", {}, w.text)));
  }

  function reset() {
    end(false);
    generation += 1;
    gone = false;
    queue = Promise.resolve();
    chat.textContent = "";
    byId("current").textContent = text.none;
    byId("hint").textContent = text.none;
    byId("near-hint-text").textContent = text.none;
    byId("live-context").textContent = "";
    setWarnings(byId("warnings"), []);
    setWarnings(byId("near-warnings"), []);
    byId("live-overall").textContent = "–";
    document.querySelectorAll("#done li").forEach((li) => { markStep(li, false); li.removeAttribute("aria-current"); });
    byId("live-settings").disabled = false;
    hideError();
  }

  function names(ids) {
    return ids.map((id) => `${id} ${stages[id - 1].short}`).join(", ");
  }

  /* A bubble's stages: its label and colour; `retagged` when a later turn changed them. */
  function label(bubble, ids, retagged) {
    bubble.dataset.stages = ids.join(" ");
    if (ids.length) { bubble.style.setProperty("--c", stages[ids[0] - 1].colour); }
    else { bubble.style.removeProperty("--c"); }
    bubble.querySelector(".tags").textContent = ids.length ? ` · ${names(ids)}` : "";
    if (retagged) {
      bubble.classList.add("retagged");
      bubble.title = text.retaggedTitle;
      bubble.querySelector(".retag").textContent = ` · ${text.retagged}`;
    }
  }

  /* The stage the chat is in: the newest turn's stages, else those of the last turn that had any. */
  function current(update) {
    const full = (ids) => ids.map((id) => stages[id - 1].name).join(", ");
    if (update.stages.length) { return full(update.stages); }
    const tagged = [...chat.querySelectorAll("li[data-stages]")].filter((li) => li.dataset.stages);
    if (!tagged.length) { return text.none; }
    return fmt(text.noNewStage, { stages: full(tagged[tagged.length - 1].dataset.stages.split(" ").map(Number)) });
  }

  function optionName(select, value) {
    const option = [...select.options].find((o) => o.value === value);
    const name = option ? option.textContent : value;
    return select.value ? name : fmt(text.detected, { value: name });
  }

  function show(update, bubble) {
    bubble.classList.remove("pending");
    bubble.dataset.turn = update.turn;
    label(bubble, update.stages, false);
    bubble.querySelector(".who").dataset.done = "1";
    bubble.querySelector(".said").lang = update.language;  // the chat's language, which may not be the page's
    (update.changed || []).forEach((c) => {
      const earlier = chat.querySelector(`li[data-turn="${c.turn}"]`);
      if (earlier) { label(earlier, c.stages, true); }
    });
    say(byId("current"), current(update));
    byId("live-context").textContent = fmt(text.context, {
      language: optionName(byId("live-language"), update.language),
      contact_type: optionName(byId("live-contact-type"), update.contact_type) });
    document.querySelectorAll("#done li").forEach((li) => {
      markStep(li, update.agent_done.includes(Number(li.dataset.stage)));
      if (Number(li.dataset.stage) === update.next_stage) { li.setAttribute("aria-current", "step"); }
      else { li.removeAttribute("aria-current"); }
    });
    say(byId("hint"), update.hint || text.none);
    byId("near-hint-text").textContent = update.hint || text.none;
    setWarnings(byId("warnings"), update.warnings);
    setWarnings(byId("near-warnings"), update.warnings);
    byId("live-overall").textContent = Math.round(update.overall);
  }

  /* A turn servio did not take: off the chat, its text back in its box, the reason shown. */
  function failed(err, bubble, box, said) {
    bubble.remove();
    box.value = box.value ? `${said}\n${box.value}` : said;
    if (err.status === 404) {
      gone = true;
      session = null;
      showError(text.expired, true);
    } else {
      showError(err.message || text.error, err.status === 422 && !err.field);
    }
    box.setAttribute("aria-describedby", "live-error-text live-keys");  // the box it came back to says why
    box.focus();
    byId("live-error").scrollIntoView({ block: "nearest" });
  }

  document.querySelectorAll(".composer").forEach((form) => {
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const box = form.querySelector("textarea");
      const said = box.value.trim();
      if (!said) { return; }
      if (gone) {  // the text stays in the box
        showError(text.expired, true);
        byId("live-error").scrollIntoView({ block: "nearest" });
        return;
      }
      hideError();
      const speaker = form.dataset.speaker;
      const bubble = el("li", { class: `${speaker} pending` });
      const who = el("span", { class: "who" }, text[speaker]);
      who.append(el("span", { class: "tags" }, ` · ${text.sending}`), el("span", { class: "retag" }));
      bubble.append(who, el("span", { class: "said" }, said));
      chat.append(bubble);
      box.value = "";
      const mine = generation;
      queue = queue
        .then(() => {
          if (mine !== generation) { return Promise.reject(new Error("a new chat")); }
          if (gone) { return Promise.reject(Object.assign(new Error(text.expired), { status: 404 })); }
          return session || open();
        })
        .then((id) => request("POST", `/${encodeURIComponent(id)}/turns`, { speaker, text: said }))
        .then((update) => { if (mine === generation) { show(update, bubble); } })
        .catch((err) => { if (mine === generation) { failed(err, bubble, box, said); } });
    });
    form.querySelector("textarea").addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" && !ev.shiftKey) { ev.preventDefault(); form.requestSubmit(); }
    });
  });
  function restart() {
    reset();
    const waiting = [...document.querySelectorAll(".composer textarea")].find((t) => t.value.trim());
    if (waiting) { waiting.focus(); }
  }
  byId("restart").addEventListener("click", restart);
  byId("live-error-restart").addEventListener("click", restart);
  window.addEventListener("pagehide", () => {  // leaving the page ends its chat on the server too
    if (session) { gone = chat.children.length > 0; end(true); }  // come back to it: New chat
  });
});
