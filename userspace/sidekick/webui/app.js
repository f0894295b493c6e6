// SPDX-License-Identifier: Apache-2.0
// The falcosidekick event browser: reads /api/events and /api/stats.
// A bearer token, when the daemon wants one, is taken from the page's
// #token=... fragment and kept in sessionStorage.
"use strict";

const PAGE = 50;
let offset = 0;

function token() {
  const m = location.hash.match(/token=([^&]+)/);
  if (m) sessionStorage.setItem("sk-token", decodeURIComponent(m[1]));
  return sessionStorage.getItem("sk-token");
}

async function api(path) {
  const headers = {};
  const t = token();
  if (t) headers.Authorization = "Bearer " + t;
  const r = await fetch(path, { headers });
  const body = await r.json();
  if (!r.ok) throw new Error(body.error || r.statusText);
  return body;
}

function filters() {
  const p = new URLSearchParams();
  for (const el of document.querySelectorAll("#filters [name]"))
    if (el.value) p.set(el.name, el.value);
  return p;
}

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v; else e.setAttribute(k, v);
  }
  for (const k of kids) e.append(k);
  return e;
}

function showError(e) {
  const p = document.getElementById("error");
  p.textContent = e ? String(e.message || e) : "";
  p.hidden = !e;
}

function setFilter(name, value) {
  document.querySelector(`#filters [name="${name}"]`).value = value;
  offset = 0;
  refresh();
}

function bars(ul, entries, name) {
  ul.replaceChildren();
  for (const [label, n] of entries) {
    const li = el("li", { class: name === "minpriority" ? "p-" + label : "" },
      el("span", {}, label), el("span", { class: "muted" }, String(n)));
    li.addEventListener("click", () => setFilter(name, label));
    ul.append(li);
  }
}

async function showDetail(uuid) {
  try {
    const a = await api("/api/events/" + encodeURIComponent(uuid));
    document.getElementById("d-rule").textContent = a.rule;
    document.getElementById("d-output").textContent = a.output;
    const t = document.getElementById("d-fields");
    t.replaceChildren();
    for (const [k, v] of Object.entries(a.output_fields || {}))
      t.append(el("tr", {}, el("th", {}, k),
        el("td", {}, v === null ? "<NA>" : String(v))));
    document.getElementById("d-json").textContent = JSON.stringify(a, null, 2);
    document.getElementById("detail").hidden = false;
    document.querySelector("main").classList.add("with-detail");
  } catch (e) { showError(e); }
}

async function refresh() {
  const p = filters();
  const q = new URLSearchParams(p);
  q.set("limit", PAGE);
  q.set("offset", offset);
  try {
    const [ev, st] = await Promise.all([
      api("/api/events?" + q), api("/api/stats?" + p)]);
    showError(null);
    document.getElementById("total").textContent = ev.total + " events";
    const tb = document.getElementById("events");
    tb.replaceChildren();
    for (const e of ev.events) {
      const tr = el("tr", { "data-uuid": e.uuid },
        el("td", {}, e.time.replace("T", " ").replace(/\.\d+Z$/, "")),
        el("td", { class: "prio p-" + e.priority }, e.priority),
        el("td", {}, e.rule), el("td", {}, e.hostname),
        el("td", { class: "output" }, e.output));
      tr.addEventListener("click", () => showDetail(e.uuid));
      tb.append(tr);
    }
    bars(document.getElementById("by-priority"), Object.entries(st.priority),
      "minpriority");
    bars(document.getElementById("by-rule"),
      st.rule.map(r => [r.rule, r.count]), "rule");
    const dl = document.getElementById("rules");
    dl.replaceChildren(...st.rule.map(r => el("option", { value: r.rule })));
    const last = Math.min(offset + PAGE, ev.total);
    document.getElementById("page").textContent =
      ev.total ? `${offset + 1}-${last} of ${ev.total}` : "no events";
    document.getElementById("prev").disabled = offset === 0;
    document.getElementById("next").disabled = last >= ev.total;
  } catch (e) { showError(e); }
}

document.getElementById("filters").addEventListener("submit", ev => {
  ev.preventDefault();
  offset = 0;
  refresh();
});
document.getElementById("reset").addEventListener("click", () => {
  offset = 0;
  setTimeout(refresh, 0);
});
document.getElementById("prev").addEventListener("click", () => {
  offset = Math.max(0, offset - PAGE);
  refresh();
});
document.getElementById("next").addEventListener("click", () => {
  offset += PAGE;
  refresh();
});
document.getElementById("close").addEventListener("click", () => {
  document.getElementById("detail").hidden = true;
  document.querySelector("main").classList.remove("with-detail");
});
refresh();
setInterval(() => { if (offset === 0) refresh(); }, 5000);
