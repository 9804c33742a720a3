/* servio dashboard: in-place stage corrections, sortable tables, import progress, users. No dependencies. */
"use strict";

function post(url, body) {
  const opts = { method: "POST", headers: { "X-Servio": "1" }, credentials: "same-origin" };
  if (body instanceof FormData) { opts.body = body; }
  else { opts.headers["Content-Type"] = "application/json"; opts.body = JSON.stringify(body || {}); }
  return fetch(url, opts).then(async (r) => {
    const data = await r.json().catch(() => ({}));
    if (!r.ok) {
      /* an unexpected error says only its reference (the details are in the server's log) */
      const said = data.reference ? fmt(document.body.dataset.serverError, { ref: data.reference })
        : (typeof data.detail === "string" ? data.detail : (r.statusText || String(r.status)));
      const err = new Error(said);
      err.field = data.field || null;  // the form field a refusal concerns (users page)
      throw err;
    }
    return data;
  });
}

function el(tag, attrs, text) {
  const node = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, v));
  if (text !== undefined) { node.textContent = text; }
  return node;
}

/* Turn numbers people read start at 1; indexes in JSON, ids and URLs start at 0. */
function turnNumber(index) {
  return Number(index) + 1;
}

function fmt(template, values) {
  return template.replace(/\{(\w+)\}/g, (m, k) => (k in values ? values[k] : m));
}

/* ---------- conversation view: correct a turn's stages ---------- */
function setupCorrections() {
  const dataNode = document.getElementById("stage-data");
  if (!dataNode || !document.querySelector(".editor")) { return; }
  const stages = JSON.parse(dataNode.textContent);
  const status = document.getElementById("status");
  document.querySelectorAll(".turn").forEach((turn) => {
    const edit = turn.querySelector("button.edit");
    const form = turn.querySelector("form.editor");
    if (!edit || !form) { return; }
    const toggle = (open) => {
      form.hidden = !open;
      edit.setAttribute("aria-expanded", String(open));
      if (open) { form.querySelector("input").focus(); } else { edit.focus(); }
    };
    edit.addEventListener("click", () => toggle(form.hidden));
    form.querySelector(".cancel").addEventListener("click", () => toggle(false));
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const chosen = [...form.querySelectorAll("input[name=stage]:checked")].map((i) => Number(i.value));
      post(form.dataset.url, { stages: chosen }).then((answer) => {
        renderChips(turn, answer.stages, stages);
        renderTimeline(answer.turn, answer.stages, stages);
        turn.classList.add("corrected");
        renderScores(answer);
        status.classList.remove("bad");
        status.textContent = fmt(status.dataset.saved, {
          before: Math.round(answer.overall_before), after: Math.round(answer.overall) });
        toggle(false);
      }).catch((err) => {
        status.classList.add("bad");
        status.textContent = fmt(status.dataset.failed, { error: err.message });
      });
    });
  });
}

function renderChips(turn, chosen, stages) {
  const box = turn.querySelector("[data-chips]");
  box.textContent = "";
  chosen.forEach((id) => {
    const s = stages[id - 1];
    const chip = el("span", { class: "chip", style: `--c: ${s.colour}; --ink: ${s.ink}` }, `${s.id} ${s.short}`);
    box.append(chip, " ");
  });
  if (!chosen.length) { box.append(el("span", { class: "chip none" }, box.dataset.none || "–")); }
  turn.style.setProperty("--c", chosen.length ? stages[Math.min(...chosen) - 1].colour : "#d0d7de");
}

function renderTimeline(index, chosen, stages) {
  const column = document.querySelector(`svg.timeline a[href="#turn-${index}"]`);
  if (!column) { return; }
  const rects = column.querySelectorAll("rect");  // the speaker mark, then one per stage
  stages.forEach((s, k) => {
    const cell = rects[k + 1];
    if (!cell) { return; }
    // as charts.timeline draws it: a carried stage has its colour and a dark edge (its colour alone can
    // be under 3:1 against an empty cell)
    cell.setAttribute("fill", chosen.includes(s.id) ? s.colour : "#f6f8fa");
    if (chosen.includes(s.id)) { cell.setAttribute("stroke", "#1f2328"); cell.setAttribute("stroke-width", "1"); }
    else { cell.removeAttribute("stroke"); cell.removeAttribute("stroke-width"); }
  });
}

function renderScores(answer) {
  document.getElementById("overall").textContent = Math.round(answer.overall);
  answer.scores.forEach((s) => {
    const score = document.getElementById(`score-${s.stage}`);
    const bar = document.getElementById(`bar-${s.stage}`);
    if (score) { score.textContent = s.applies ? Math.round(s.score) : "–"; }
    if (bar) { bar.style.width = `${s.applies ? s.score : 0}%`; }
    const present = document.getElementById(`present-${s.stage}`);
    if (present && s.applies) {
      present.textContent = "";
      present.append(s.present ? present.dataset.present
                               : el("span", { class: "absent" }, present.dataset.absent));
    }
    const why = document.getElementById(`why-${s.stage}`);  // "present, but: <failed checks>" beside a 0
    if (why) {
      why.hidden = !s.why;
      why.firstElementChild.textContent = s.why || "";
    }
  });
  const list = document.getElementById("coaching");
  if (!list) { return; }
  const kinds = JSON.parse(list.dataset.kinds);
  list.textContent = "";
  answer.feedback.forEach((f) => {
    const li = el("li", { style: `--c: ${f.colour}` });
    li.append(el("span", { class: `tag ${f.kind}` }, kinds[f.kind] || f.kind), " ");
    const where = el("span", { class: "tag" }, f.stage_name);
    if (f.turn !== null) {  // the JSON index links the turn; a person reads its number from 1
      where.append(" · ", el("a", { href: `#turn-${f.turn}` }, `${list.dataset.turn} ${turnNumber(f.turn)}`));
    }
    li.append(where, " ", el("span", list.dataset.lang ? { lang: list.dataset.lang } : {}, f.text));  // its language
    list.append(li);
  });
}

/* ---------- conversation view: Escape hides the evidence tooltip that covers the turn ---------- */
/* WCAG 1.4.13: content shown on hover or focus can be dismissed without moving the pointer or the focus.
   It shows again when the chip gets the focus or the pointer anew. */
function setupTips() {
  document.addEventListener("keydown", (ev) => {
    if (ev.key !== "Escape") { return; }
    document.querySelectorAll(".chip-wrap:hover, .chip-wrap:focus-within").forEach((w) => w.classList.add("tip-off"));
  });
  const again = (ev) => { const w = ev.target.closest && ev.target.closest(".chip-wrap"); if (w) { w.classList.remove("tip-off"); } };
  document.addEventListener("focusin", again);
  document.addEventListener("mouseover", (ev) => {
    const w = ev.target.closest && ev.target.closest(".chip-wrap");
    // only a pointer that comes to the chip from outside it brings the tooltip back
    if (w && !(ev.relatedTarget && w.contains(ev.relatedTarget))) { w.classList.remove("tip-off"); }
  });
}

/* ---------- sortable tables (team heatmap) ---------- */
function setupSorting() {
  document.querySelectorAll("table.sortable").forEach((table) => {
    table.querySelectorAll("button.sort").forEach((btn) => {
      btn.addEventListener("click", () => {
        const th = btn.closest("th");
        const col = Number(btn.dataset.col);
        const numeric = btn.dataset.type === "num";
        // a first click sorts up (weakest first, teams A to Z), the next one down
        const dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
        table.querySelectorAll("thead th").forEach((h) => h.setAttribute("aria-sort", "none"));
        th.setAttribute("aria-sort", dir);
        const body = table.tBodies[0];
        const rows = [...body.rows];
        const key = (row) => row.cells[col].dataset.value;
        rows.sort((a, b) => {
          const x = key(a), y = key(b);
          const c = numeric ? Number(x) - Number(y) : x.localeCompare(y);
          return dir === "ascending" ? c : -c;
        });
        rows.forEach((r) => body.append(r));
      });
    });
  });
}

/* ---------- import page ---------- */
function setupImport() {
  const form = document.getElementById("import-form");
  if (!form) { return; }
  const box = document.getElementById("job");
  const refused = document.getElementById("import-error");
  const submit = form.querySelector("button[type=submit]");
  let expected = null;  // the records the upload holds, when the server could count them
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const data = new FormData(form);  // empty options go as "" and the server reads them as not chosen
    if (!form.querySelector("#files").files.length) { return; }
    submit.disabled = true;
    refused.hidden = true;
    box.hidden = false;
    post(form.action, data).then((job) => { expected = job.expected; poll(job.id); }).catch((err) => {
      // no job was started (a bad option, no file): say why beside the form, and let it be sent again
      box.hidden = true;
      refused.textContent = err.message;
      refused.hidden = false;
      submit.disabled = false;
    });
  });
  function poll(id) {
    // the job's problems in the page's language (its cookie may say another, or none)
    const lang = encodeURIComponent(document.documentElement.lang || "");
    fetch(`${form.action}/${id}?lang=${lang}`, { credentials: "same-origin" }).then((r) => (r.ok ? r.json() : null)).then((job) => {
      if (!job) { box.hidden = true; submit.disabled = false; return; }  // a job deleted meanwhile, or none
      showJob(job, expected);
      if (job.status === "pending" || job.status === "running") { setTimeout(() => poll(id), 400); }
      else { submit.disabled = false; }
    });
  }
  if (box.dataset.job) {  // an earlier job opened from the list (?job=ID)
    box.hidden = false;
    poll(box.dataset.job);
  }
  setupJobDelete(box);
}

/* Import page (admins): delete a job that has ended (its bad records quote names as the file had them) */
function setupJobDelete(box) {
  const btn = document.getElementById("delete-job");
  if (!btn) { return; }
  const status = document.getElementById("job-delete-status");
  btn.addEventListener("click", () => {
    const id = btn.dataset.job;
    btn.dataset.confirm = fmt(btn.dataset.confirmText, { id });
    askFirst(btn, () => {
      post(btn.dataset.url.replace("{id}", encodeURIComponent(id)), {}).then((answer) => {
        box.hidden = true;
        const row = document.querySelector(`#earlier tr[data-job="${CSS.escape(String(id))}"]`);
        if (row) { row.remove(); }
        const notice = document.getElementById("import-notice");
        notice.textContent = answer.message;
        notice.setAttribute("tabindex", "-1");
        notice.focus();
      }).catch((err) => { status.textContent = fmt(status.dataset.failed, { error: err.message }); });
    });
  });
}

function showJob(job, expected) {
  const status = document.getElementById("job-status");
  // done, but nothing stored: say so and why, not "done" with a full bar and a link to nothing
  const stored = (job.new || 0) + (job.updated || 0) + (job.unchanged || 0);
  const nothing = job.status === "done" && stored === 0;
  status.textContent = nothing
    ? fmt(job.problem_count ? status.dataset.nothing : status.dataset.nothingEmpty, { n: job.problem_count })
    : (status.dataset[job.status] || job.status);
  status.dataset.state = nothing ? "nothing" : job.status;
  document.getElementById("job").classList.toggle("warn", nothing);
  const bar = document.getElementById("job-progress");
  const handled = (job.read || 0) + (job.skipped || 0);
  bar.hidden = nothing;
  if (job.status === "done" || job.status === "failed") { bar.max = 1; bar.value = 1; }
  else if (expected) { bar.max = expected; bar.value = Math.min(handled, expected); }
  const total = document.getElementById("job-total");
  total.hidden = !expected;
  if (expected) { total.textContent = fmt(total.dataset.text, { done: handled, total: expected }); }
  ["read", "new", "updated", "unchanged", "skipped"].forEach((k) => {
    if (k in job) { document.getElementById(`job-${k}`).textContent = job[k]; }
  });
  const error = document.getElementById("job-error");
  error.hidden = !job.error;
  error.textContent = job.error || "";
  const problems = job.problems || [];
  document.getElementById("problems").hidden = problems.length === 0;
  const rows = document.getElementById("problem-rows");
  rows.textContent = "";
  problems.forEach((p) => {
    const tr = el("tr");
    const where = p.line ? `${p.path}:${p.line}` : (p.path || "");
    tr.append(el("td", {}, where.replace(/^.*\/\d{3}-/, "")), el("td", {}, p.message));
    rows.append(tr);
  });
  const more = document.getElementById("problems-more");
  const extra = (job.problem_count || 0) - problems.length;
  more.hidden = extra <= 0;
  more.textContent = fmt(more.dataset.text, { n: extra });
  document.getElementById("job-link").hidden = job.status !== "done" || nothing;
  const erase = document.getElementById("job-delete");
  if (erase) {  // admins: once the job has ended, nothing writes into it any more
    erase.hidden = job.status !== "done" && job.status !== "failed";
    document.getElementById("delete-job").dataset.job = job.id;
    document.getElementById("job-delete-status").textContent = "";
  }
}

/* ---------- users page (admins): create, confirm an action, show a new token once ---------- */
function setupUsers() {
  const form = document.getElementById("user-form");
  if (!form) { return; }
  const status = document.getElementById("users-status");
  const role = form.querySelector("#u-role");
  const roleFields = () => form.querySelectorAll("[data-role]").forEach((f) => { f.hidden = f.dataset.role !== role.value; });
  role.addEventListener("change", roleFields);
  roleFields();
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    formError(form, null);
    const body = { name: form.elements.name.value, role: role.value };
    if (role.value === "agent") { body.agent_id = form.elements.agent_id.value; }
    if (role.value === "team_lead") { body.team = form.elements.team.value; }
    const submit = form.querySelector("button[type=submit]");
    submit.disabled = true;
    post(form.action, body).then((answer) => {
      document.getElementById("user-rows").append(rowFrom(answer.row));
      form.reset();
      roleFields();
      say(status, answer.message, false);
      showToken(answer.token, answer.user.name);
    }).catch((err) => formError(form, err)).finally(() => { submit.disabled = false; });
  });
  setupTokenBox();
  setupUserActions(status);
}

function formError(form, err) {
  const box = document.getElementById("user-form-error");
  form.querySelectorAll("[aria-invalid]").forEach((f) => {
    f.removeAttribute("aria-invalid");
    f.setAttribute("aria-describedby", (f.getAttribute("aria-describedby") || "").replace(box.id, "").trim());
  });
  box.hidden = !err;
  box.textContent = err ? err.message : "";
  const field = err && err.field ? form.elements[err.field] : null;
  if (field) {
    field.setAttribute("aria-invalid", "true");
    field.setAttribute("aria-describedby", `${field.getAttribute("aria-describedby") || ""} ${box.id}`.trim());
    field.focus();
  }
}

function say(status, text, bad) {
  status.classList.toggle("bad", bad);
  status.textContent = text;
}

function rowFrom(html) {
  const holder = document.createElement("template");
  holder.innerHTML = html.trim();  // the server's escaped row: no script runs from it (and CSP forbids one)
  return holder.content.querySelector("tr");
}

function showToken(token, name) {
  const box = document.getElementById("token-box");
  const field = document.getElementById("token-value");
  document.getElementById("token-h").textContent = fmt(box.dataset.title, { name });
  document.getElementById("token-copy-status").textContent = "";
  field.value = token;
  box.hidden = false;
  box.scrollIntoView({ block: "nearest" });
  field.focus();
  field.select();
}

function setupTokenBox() {
  const box = document.getElementById("token-box");
  const field = document.getElementById("token-value");
  const copy = document.getElementById("token-copy");
  const note = document.getElementById("token-copy-status");
  copy.addEventListener("click", () => {
    const fallback = () => {
      field.select();
      note.textContent = document.execCommand("copy") ? copy.dataset.copied : copy.dataset.failed;
    };
    if (navigator.clipboard) {
      navigator.clipboard.writeText(field.value).then(() => { note.textContent = copy.dataset.copied; }, fallback);
    } else { fallback(); }
  });
  document.getElementById("token-done").addEventListener("click", () => {
    field.value = "";  // the token leaves the page: it is never shown again
    box.hidden = true;
    document.getElementById("u-name").focus();
  });
}

function setupUserActions(status) {
  document.getElementById("user-rows").addEventListener("click", (ev) => {
    const btn = ev.target.closest("button[data-action]");
    if (btn) { askFirst(btn, () => userAction(btn, status)); }
  });
}

/* The confirmation step (templates/_confirm.html): the button's data-confirm question, its own words on
   the "yes" button, Cancel focused; Escape cancels too. */
function askFirst(btn, onYes) {
  const dialog = document.getElementById("confirm-dialog");
  const yes = document.getElementById("confirm-yes");
  const no = document.getElementById("confirm-no");
  document.getElementById("confirm-text").textContent = btn.dataset.confirm;
  yes.textContent = btn.textContent;
  yes.className = btn.classList.contains("danger") || btn.dataset.action === "deactivate" ? "danger" : "";
  const done = (go) => () => {
    yes.onclick = null;
    no.onclick = null;
    dialog.close();
    if (go) { onYes(); }
  };
  yes.onclick = done(true);
  no.onclick = done(false);
  dialog.showModal();
  no.focus();
}

function userAction(btn, status) {
  const row = btn.closest("tr");
  const name = row.dataset.name;
  post(btn.dataset.url, btn.dataset.body ? JSON.parse(btn.dataset.body) : {}).then((answer) => {
    if (answer.row) {
      const fresh = rowFrom(answer.row);
      row.replaceWith(fresh);
      const again = fresh.querySelector(`button[data-action="${btn.dataset.action === "deactivate" ? "activate" : "deactivate"}"]`);
      (again || fresh.querySelector("button") || status).focus();
    }
    say(status, answer.message, false);
    if (answer.token) { showToken(answer.token, name); }
  }).catch((err) => say(status, fmt(status.dataset.failed, { error: err.message }), true));
}

/* ---------- conversation page (admins): delete for good, then the list says so ---------- */
const NOTICE = "servio-notice";

function setupDelete() {
  const btn = document.getElementById("delete-conversation");
  if (!btn) { return; }
  const status = document.getElementById("delete-status");
  btn.addEventListener("click", () => askFirst(btn, () => {
    post(btn.dataset.url, {}).then((answer) => {
      sessionStorage.setItem(NOTICE, answer.message);  // shown once, by the page it goes to
      window.location.assign(answer.next);
    }).catch((err) => { status.textContent = fmt(status.dataset.failed, { error: err.message }); });
  }));
}

function setupNotice() {
  const notice = document.getElementById("notice");
  const text = sessionStorage.getItem(NOTICE);
  if (!notice || !text) { return; }
  sessionStorage.removeItem(NOTICE);
  notice.textContent = text;
}

/* ---------- conversation list: on a phone the filters start folded unless one is set ---------- */
function setupFilterFold() {
  const fold = document.getElementById("filter-fold");
  if (fold && fold.dataset.chosen === "0" && window.matchMedia("(max-width: 600px)").matches) {
    fold.open = false;
  }
}

/* ---------- a box wider than the screen says that it scrolls: the conversation's timeline, the heatmap ---------- */
function scrollHint(box, hint) {
  if (!box || !hint) { return; }
  const check = () => { hint.hidden = box.scrollWidth <= box.clientWidth + 1; };
  check();
  window.addEventListener("resize", check);
}

function setupTimelineHint() {
  scrollHint(document.getElementById("timeline-wrap"), document.getElementById("timeline-hint"));
}

/* a hint naming its box: <p data-scroll-of="box-id" hidden> */
function setupScrollHints() {
  document.querySelectorAll("[data-scroll-of]").forEach((hint) => {
    scrollHint(document.getElementById(hint.dataset.scrollOf), hint);
  });
}

document.addEventListener("DOMContentLoaded", () => {
  setupFilterFold();
  setupTimelineHint();
  setupScrollHints();
  setupCorrections();
  setupTips();
  setupSorting();
  setupImport();
  setupUsers();
  setupDelete();
  setupNotice();
});
