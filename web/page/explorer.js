// The explorer page: runs the catalog's scenarios in the WebAssembly build of synack and shows
// the result: ladder, state diagrams, verdict, details, counters, capture. All state lives here;
// the module is asked for a whole run each time (a rerun from the start, as the issue asks).
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const state = {
    lang: "en", module: null, catalog: [], scenario: null, faults: [], result: null,
    ladder: 0, steps: [], step: 0, timer: null, lastFocus: null, menuArrow: null,
  };
  const t = (key) => I18N[state.lang][key] ?? I18N.en[key] ?? key;

  // ---- the WebAssembly module ----
  function call(fn, arg) {
    const text = arg === undefined ? state.module.ccall(fn, "string", [], [])
                                   : state.module.ccall(fn, "string", ["string"], [arg]);
    return JSON.parse(text);
  }

  // ---- language ----
  function setLanguage(lang) {
    state.lang = lang;
    document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
    $("lang-en").setAttribute("aria-pressed", String(lang === "en"));
    $("lang-zh").setAttribute("aria-pressed", String(lang === "zh"));
    for (const e of document.querySelectorAll("[data-i18n]")) e.textContent = t(e.dataset.i18n);
    for (const e of document.querySelectorAll("[data-i18n-label]")) e.setAttribute("aria-label", t(e.dataset.i18nLabel));
    try { localStorage.setItem("synack-explorer-lang", lang); } catch (_) { /* file:// may refuse */ }
    renderCatalog();
    if (state.scenario) renderScenarioHeader();
    if (state.result) renderResult();
  }

  // ---- the catalog ----
  function question(name) { return I18N[state.lang].q[name] ?? I18N.en.q[name] ?? name; }
  function claim(s) { return I18N[state.lang].claims[s.name] ?? s.claim; }

  function renderCatalog() {
    const list = $("catalog");
    const focused = document.activeElement && document.activeElement.dataset.scenario;
    list.textContent = "";
    for (const s of state.catalog) {
      const li = document.createElement("li");
      const b = document.createElement("button");
      b.type = "button";
      b.dataset.scenario = s.name;
      b.textContent = question(s.name);
      const small = document.createElement("small");
      small.textContent = s.name;
      b.appendChild(small);
      if (state.scenario && state.scenario.name === s.name) b.setAttribute("aria-current", "true");
      b.addEventListener("click", () => select(s.name, true));
      li.appendChild(b);
      list.appendChild(li);
      if (focused === s.name) b.focus();
    }
  }

  function renderScenarioHeader() {
    $("question").textContent = question(state.scenario.name);
    $("claim").textContent = claim(state.scenario);
    $("scenario-name").textContent = state.scenario.name;
  }

  function select(name, run) {
    const s = state.catalog.find((x) => x.name === name);
    if (!s) return;
    state.scenario = s;
    state.faults = [];
    state.result = null;
    $("scenario").hidden = false;
    history.replaceState(null, "", "#" + name);
    renderCatalog();
    renderScenarioHeader();
    if (run) runScenario();
  }

  // ---- knobs and faults ----
  function settings() {
    const out = [];
    for (const e of document.querySelectorAll("[data-knob]")) {
      const v = e.value.trim();
      e.classList.toggle("changed", v !== "");
      if (v !== "") out.push(`${e.dataset.knob}=${v}`);
    }
    return out;
  }

  function faultText(f) {
    const [action, sender, n, amount] = f.split(":");
    const who = t(sender);
    return action === "drop" ? t("f_drop")(who, n) : t("f_" + action)(who, n, amount);
  }

  function renderFaults() {
    const list = $("fault-list");
    list.textContent = "";
    if (state.faults.length === 0) {
      const li = document.createElement("li");
      li.textContent = t("nofaults");
      list.appendChild(li);
    }
    state.faults.forEach((f, i) => {
      const li = document.createElement("li");
      li.textContent = faultText(f) + " ";
      const code = document.createElement("code");
      code.textContent = f;
      li.appendChild(code);
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = t("remove");
      b.setAttribute("aria-label", `${t("remove")}: ${f}`);
      b.addEventListener("click", () => { state.faults.splice(i, 1); runScenario(); });
      li.appendChild(b);
      list.appendChild(li);
    });
  }

  // ---- running ----
  function runScenario() {
    if (!state.scenario) return;
    $("status").textContent = t("running");
    // Let the status paint before the (synchronous) run.
    setTimeout(() => {
      const request = { scenario: state.scenario.name, seed: Number($("k-seed").value) || 1,
        faults: state.faults, settings: settings(), pcap: true };
      const started = performance.now();
      const r = call("synack_run", JSON.stringify(request));
      const ms = Math.round(performance.now() - started);
      if (!r.ok) {
        $("status").textContent = t("error") + r.error;
        return;
      }
      r.ms = ms;
      state.result = r;
      state.ladder = Math.min(state.ladder, r.ladders.length - 1);
      if (state.ladder < 0) state.ladder = 0;
      document.body.dataset.runs = String(Number(document.body.dataset.runs || 0) + 1);
      renderResult();
      setStep(state.steps.length - 1);
    }, 0);
  }

  function renderResult() {
    const r = state.result;
    $("status").textContent = t("ran")(r.ms);
    const v = $("verdict");
    v.hidden = false;
    v.className = "verdict " + (r.passed ? "pass" : "fail");
    v.dataset.passed = String(r.passed);
    $("verdict-title").textContent = r.passed ? t("pass") : t("fail");
    const checks = $("checks");
    checks.textContent = "";
    for (const c of r.checks) {
      const li = document.createElement("li");
      li.className = c.held ? "ok" : "fail";
      li.textContent = (c.held ? "✔ " : "✘ ") + c.requirement;
      checks.appendChild(li);
    }
    const failed = r.checks.filter((c) => !c.held).map((c) => c.requirement);
    const changes = [...settings(), ...state.faults];
    $("why").textContent = failed.length === 0 ? "" :
      t("whyfail") + failed.join("; ") + (changes.length ? ". " + t("whyknobs") + changes.join(", ") : "");
    $("command").textContent = r.command;
    renderFaults();
    renderFacts(r);
    renderLadderTabs(r);
    renderLadder();
  }

  function renderFacts(r) {
    const dl = $("evidence");
    dl.textContent = "";
    for (const e of r.evidence) {
      const dt = document.createElement("dt"); dt.textContent = e.name;
      const dd = document.createElement("dd"); dd.textContent = e.value;
      dl.append(dt, dd);
    }
    const box = $("counters");
    box.textContent = "";
    const names = [...new Set(r.counters.flatMap((c) => Object.keys(c.values)))];
    if (names.length === 0) return;
    const table = document.createElement("table");
    const head = table.insertRow();
    for (const h of ["", ...r.counters.map((c) => t(c.host))]) {
      const th = document.createElement("th"); th.textContent = h; head.appendChild(th);
    }
    for (const n of names) {
      const row = table.insertRow();
      row.insertCell().textContent = n;
      for (const c of r.counters) {
        const td = row.insertCell(); td.className = "num"; td.textContent = c.values[n] ?? 0;
      }
    }
    box.appendChild(table);
  }

  function renderLadderTabs(r) {
    const tabs = $("ladder-tabs");
    tabs.textContent = "";
    if (r.ladders.length < 2) return;
    r.ladders.forEach((l, i) => {
      const b = document.createElement("button");
      b.type = "button";
      b.setAttribute("role", "tab");
      b.setAttribute("aria-selected", String(i === state.ladder));
      b.textContent = `${t("ladder")} ${i + 1}: ${l.title}`;
      b.addEventListener("click", () => { state.ladder = i; renderLadderTabs(r); renderLadder(); setStep(state.steps.length - 1); });
      tabs.appendChild(b);
    });
  }

  function ladder() { return state.result.ladders[state.ladder]; }

  function renderLadder() {
    const l = ladder();
    const pane = $("ladder");
    pane.innerHTML = l.svg.replace(/^<\?xml[^>]*>\s*/, "");
    const svg = pane.querySelector("svg");
    svg.setAttribute("role", "group");
    svg.setAttribute("aria-label", l.title);
    $("ladder-text").textContent = l.text;
    const times = new Set();
    for (const e of svg.querySelectorAll("[data-t]")) {
      times.add(Number(e.dataset.t));
      if (e.dataset.arrival) times.add(Number(e.dataset.arrival));
    }
    state.steps = [...times].sort((a, b) => a - b);
    $("timeline").max = String(Math.max(0, state.steps.length - 1));
    const faultable = state.ladder === 0 && state.result.accepts_faults;
    for (const g of svg.querySelectorAll('g[data-kind="arrow"]')) {
      const a = l.arrows[Number(g.dataset.index)];
      const show = () => showDetails(a);
      g.addEventListener("mouseenter", show);
      g.addEventListener("focus", show);
      if (faultable && a.wire_ordinal > 0) {
        g.addEventListener("click", () => openMenu(g, a));
        g.addEventListener("keydown", (ev) => {
          if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); openMenu(g, a); }
        });
      } else {
        g.removeAttribute("role");
      }
      const sender = a.from === "left" ? "client" : "server";
      if (state.faults.some((f) => f.split(":")[1] === sender && Number(f.split(":")[2]) === a.wire_ordinal))
        g.classList.add("faulted");
    }
    for (const side of ["left", "right"]) {
      const container = $("diagram-" + side);
      const who = side === "left" ? l.left_name : l.right_name;
      state["diagram_" + side] = StateDiagram.render(container, t("diagram")(who));
    }
  }

  // ---- stepping through the events ----
  const seconds = (us) => (us / 1e6).toFixed(3) + " s";

  function setStep(k) {
    if (!state.result || state.steps.length === 0) return;
    k = Math.max(0, Math.min(state.steps.length - 1, k));
    state.step = k;
    const now = state.steps[k];
    $("timeline").value = String(k);
    $("now").textContent = `${seconds(now)} · ${t("step")(k + 1, state.steps.length)}`;
    const svg = $("ladder").querySelector("svg");
    for (const e of svg.querySelectorAll("[data-t]")) e.classList.toggle("future", Number(e.dataset.t) > now);
    const l = ladder();
    const said = [];
    for (const side of ["left", "right"]) {
      const marks = l.states.filter((m) => m.side === side && m.t_us <= now);
      const current = marks.length ? marks[marks.length - 1].state : "CLOSED";
      const previous = marks.length > 1 ? marks[marks.length - 2].state : (marks.length ? "CLOSED" : null);
      const inFigure = state["diagram_" + side].show(current, previous);
      const name = side === "left" ? l.left_name : l.right_name;
      $(side + "-caption").textContent = `${name} · ${t("nowstate")(current)}`;
      $(side + "-caption").dataset.state = current;
      $(side + "-transition").textContent = previous && previous !== current
        ? t("transition")(previous, current) + (inFigure ? "" : t("offfigure")) : "";
      for (const m of l.states) if (m.side === side && m.t_us === now) said.push(`${name}: ${m.state}`);
    }
    for (const a of l.arrows) {
      if (a.sent_us === now) said.push(`→ ${a.label}${a.arrival_us === null ? " ✕" : ""}`);
      if (a.arrival_us === now) said.push(`✓ ${a.label}`);
    }
    for (const m of l.timers) if (m.t_us === now) said.push(`⏱ ${m.text}`);
    $("step-text").textContent = `${seconds(now)}: ${said.join(" · ")}`;
  }

  function play() {
    if (state.timer) { stop(); return; }
    if (state.step >= state.steps.length - 1) setStep(0);
    $("play").textContent = "‖";
    $("play").setAttribute("aria-label", t("pause"));
    state.timer = setInterval(() => {
      if (state.step >= state.steps.length - 1) { stop(); return; }
      setStep(state.step + 1);
    }, 450);
  }
  function stop() {
    clearInterval(state.timer);
    state.timer = null;
    $("play").textContent = "▷";
    $("play").setAttribute("aria-label", t("play"));
  }

  // ---- segment details and the fault menu ----
  function showDetails(a) {
    const rel = (r, abs) => (r === null || r === undefined ? "–" : r) + " / " + abs;
    const rows = [
      [t("d_flags"), a.flags ?? a.label.split(" ")[0]],
      [t("d_seq"), rel(a.seq_relative, a.seq)],
      [t("d_ack"), a.flags && a.flags.includes("ACK") ? rel(a.ack_relative, a.ack) : "–"],
      [t("d_len"), `${a.length ?? 0} ${t("bytes")}`],
      [t("d_win"), a.window ?? "–"],
      [t("d_opt"), a.options || "–"],
      [t("d_sent"), seconds(a.sent_us)],
      [a.arrival_us === null ? t("d_lost") : t("d_arr"), a.arrival_us === null ? (a.annotation || "✕") : seconds(a.arrival_us)],
      [t("d_wire"), `${t(a.from === "left" ? "client" : "server")} #${a.wire_ordinal || "?"}`],
    ];
    if (a.annotation) rows.push([t("d_note"), a.annotation + (a.retransmission ? ", rexmit" : "")]);
    else if (a.retransmission) rows.push([t("d_note"), "rexmit"]);
    const dl = document.createElement("dl");
    for (const [k, v] of rows) {
      const dt = document.createElement("dt"); dt.textContent = k;
      const dd = document.createElement("dd"); dd.textContent = String(v);
      dl.append(dt, dd);
    }
    const body = $("details-body");
    body.textContent = "";
    const p = document.createElement("code");
    p.textContent = a.label;
    body.append(p, dl);
  }

  function openMenu(g, a) {
    stop();
    state.lastFocus = g;
    state.menuArrow = a;
    const menu = $("fault-menu");
    const sender = a.from === "left" ? "client" : "server";
    $("fault-title").textContent = `${t("faulttitle")(`${t(sender)} #${a.wire_ordinal}`)}: ${a.label}`;
    menu.hidden = false;
    const box = g.getBoundingClientRect();
    menu.style.left = Math.min(window.innerWidth - 430, Math.max(8, box.left + box.width / 2 - 150)) + "px";
    menu.style.top = Math.min(window.innerHeight - 200, box.bottom + 8) + "px";
    menu.querySelector("button").focus();
  }

  function closeMenu() {
    $("fault-menu").hidden = true;
    if (state.lastFocus && state.lastFocus.isConnected) state.lastFocus.focus();
  }

  function chooseFault(action) {
    const a = state.menuArrow;
    const sender = a.from === "left" ? "client" : "server";
    let f = null;
    if (action === "drop") f = `drop:${sender}:${a.wire_ordinal}`;
    if (action === "delay") f = `delay:${sender}:${a.wire_ordinal}:${$("fault-delay").value.trim()}`;
    if (action === "duplicate") f = `duplicate:${sender}:${a.wire_ordinal}:${$("fault-dup").value.trim()}`;
    $("fault-menu").hidden = true;
    if (f) {
      state.faults.push(f);
      runScenario();
      $("ladder").focus?.();
    } else if (state.lastFocus) {
      state.lastFocus.focus();
    }
  }

  function downloadPcap() {
    const r = state.result;
    if (!r || !r.pcap_base64) { $("status").textContent = t("pcapnone"); return; }
    const raw = atob(r.pcap_base64);
    const bytes = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; ++i) bytes[i] = raw.charCodeAt(i);
    const url = URL.createObjectURL(new Blob([bytes], { type: "application/vnd.tcpdump.pcap" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = `synack-${r.name}-seed${r.seed}.pcap`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  // ---- wiring ----
  function wire() {
    $("lang-en").addEventListener("click", () => setLanguage("en"));
    $("lang-zh").addEventListener("click", () => setLanguage("zh"));
    $("run").addEventListener("click", runScenario);
    $("first").addEventListener("click", () => { stop(); setStep(0); });
    $("back").addEventListener("click", () => { stop(); setStep(state.step - 1); });
    $("forward").addEventListener("click", () => { stop(); setStep(state.step + 1); });
    $("last").addEventListener("click", () => { stop(); setStep(state.steps.length - 1); });
    $("play").addEventListener("click", play);
    $("timeline").addEventListener("input", (e) => { stop(); setStep(Number(e.target.value)); });
    $("pcap").addEventListener("click", downloadPcap);
    for (const e of document.querySelectorAll("[data-knob], #k-seed")) e.addEventListener("change", runScenario);
    $("knobs-reset").addEventListener("click", () => {
      for (const e of document.querySelectorAll("[data-knob]")) e.value = "";
      $("k-seed").value = "1";
      state.faults = [];
      runScenario();
    });
    for (const b of $("fault-menu").querySelectorAll("button")) {
      b.addEventListener("click", () => chooseFault(b.dataset.action));
    }
    $("fault-menu").addEventListener("keydown", (e) => { if (e.key === "Escape") { e.preventDefault(); closeMenu(); } });
  }

  async function start() {
    wire();
    let lang = "en";
    try { lang = localStorage.getItem("synack-explorer-lang") || "en"; } catch (_) { /* ignore */ }
    state.module = await createSynackModuleFromPage();
    state.catalog = call("synack_catalog");
    $("loading").hidden = true;
    setLanguage(lang === "zh" ? "zh" : "en");
    const wanted = decodeURIComponent(location.hash.slice(1));
    select(state.catalog.some((s) => s.name === wanted) ? wanted : state.catalog[0].name, true);
    document.body.dataset.ready = "true";
  }

  start().catch((e) => { $("loading").textContent = "synack explorer: " + e; throw e; });
})();
