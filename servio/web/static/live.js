/* servio live-assist demo: two composers, one chat, a side panel updated after every turn. */
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("live");
  if (!root) { return; }
  const stages = JSON.parse(document.getElementById("stage-data").textContent);
  const chat = document.getElementById("chat");
  let session = null;

  function open() {
    session = post(root.dataset.url, { language: null }).then((s) => s.session_id);
    return session;
  }

  function reset() {
    chat.textContent = "";
    document.getElementById("current").textContent = root.dataset.none;
    document.getElementById("hint").textContent = root.dataset.none;
    document.getElementById("warnings").textContent = "";
    document.getElementById("live-overall").textContent = "–";
    document.querySelectorAll("#done li").forEach((li) => { li.classList.remove("done"); li.removeAttribute("aria-current"); });
    session = null;
  }

  function show(update, bubble) {
    const names = update.stages.map((id) => `${id} ${stages[id - 1].short}`);
    if (update.stages.length) { bubble.style.setProperty("--c", stages[update.stages[0] - 1].colour); }
    const who = bubble.querySelector(".who");
    who.textContent += names.length ? ` · ${names.join(", ")}` : "";
    who.dataset.done = "1";
    document.getElementById("current").textContent = names.length ? names.map((n, i) => stages[update.stages[i] - 1].name).join(", ") : root.dataset.none;
    document.querySelectorAll("#done li").forEach((li) => {
      li.classList.toggle("done", update.agent_done.includes(Number(li.dataset.stage)));
      if (Number(li.dataset.stage) === update.next_stage) { li.setAttribute("aria-current", "step"); }
      else { li.removeAttribute("aria-current"); }
    });
    document.getElementById("hint").textContent = update.hint || root.dataset.none;
    const warnings = document.getElementById("warnings");
    warnings.textContent = "";
    update.warnings.forEach((w) => warnings.append(el("li", {}, w.text)));
    document.getElementById("live-overall").textContent = Math.round(update.overall);
  }

  document.querySelectorAll(".composer").forEach((form) => {
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const box = form.querySelector("textarea");
      const text = box.value.trim();
      if (!text) { return; }
      const speaker = form.dataset.speaker;
      const bubble = el("li", { class: speaker });
      bubble.append(el("span", { class: "who" }, root.dataset[speaker]), text);
      chat.append(bubble);
      box.value = "";
      (session || open())
        .then((id) => post(`${root.dataset.url}/${id}/turns`, { speaker, text }))
        .then((update) => show(update, bubble))
        .catch((err) => { document.getElementById("hint").textContent = fmt(root.dataset.error, { error: err.message }); });
    });
    form.querySelector("textarea").addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" && !ev.shiftKey) { ev.preventDefault(); form.requestSubmit(); }
    });
  });
  document.getElementById("restart").addEventListener("click", reset);
});
