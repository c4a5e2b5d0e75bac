// The RFC 9293 connection state diagram (section 3.3.2, figure 5) as an SVG: eleven states
// (CLOSED drawn twice, top and bottom, as the figure does), its transitions, the current state
// and the transition just taken marked by weight, border and dashes as well as by colour.
"use strict";
const StateDiagram = (() => {
  const W = 96, H = 22;
  const NODES = [
    ["CLOSED", 160, 18], ["LISTEN", 160, 70], ["SYN_RECEIVED", 56, 124], ["SYN_SENT", 264, 124],
    ["ESTABLISHED", 160, 180], ["FIN_WAIT_1", 56, 240], ["CLOSE_WAIT", 264, 240],
    ["FIN_WAIT_2", 56, 300], ["CLOSING", 160, 300], ["LAST_ACK", 264, 300],
    ["TIME_WAIT", 56, 362], ["CLOSED", 212, 398],
  ];
  // [from, to, index of the target node when it is CLOSED (0 top, 11 bottom)]
  const EDGES = [
    ["CLOSED", "LISTEN"], ["CLOSED", "SYN_SENT"], ["LISTEN", "SYN_RECEIVED"],
    ["SYN_RECEIVED", "LISTEN"], ["LISTEN", "SYN_SENT"], ["LISTEN", "CLOSED", 0],
    ["SYN_SENT", "SYN_RECEIVED"], ["SYN_SENT", "ESTABLISHED"], ["SYN_SENT", "CLOSED", 0],
    ["SYN_RECEIVED", "ESTABLISHED"], ["SYN_RECEIVED", "FIN_WAIT_1"],
    ["ESTABLISHED", "FIN_WAIT_1"], ["ESTABLISHED", "CLOSE_WAIT"], ["FIN_WAIT_1", "FIN_WAIT_2"],
    ["FIN_WAIT_1", "CLOSING"], ["CLOSE_WAIT", "LAST_ACK"], ["FIN_WAIT_2", "TIME_WAIT"],
    ["CLOSING", "TIME_WAIT"], ["LAST_ACK", "CLOSED", 11], ["TIME_WAIT", "CLOSED", 11],
  ];
  const NS = "http://www.w3.org/2000/svg";

  function node(name, from) {
    if (name !== "CLOSED") return NODES.find((n) => n[0] === name);
    return from === undefined ? NODES[0] : NODES[from];
  }

  // Where the segment from the centre of a box towards (tx, ty) leaves the box.
  function border(cx, cy, tx, ty) {
    const dx = tx - cx, dy = ty - cy;
    const sx = dx === 0 ? Infinity : (W / 2) / Math.abs(dx);
    const sy = dy === 0 ? Infinity : (H / 2) / Math.abs(dy);
    const s = Math.min(sx, sy);
    return [cx + dx * s, cy + dy * s];
  }

  function el(tag, attrs, parent) {
    const e = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (parent) parent.appendChild(e);
    return e;
  }

  function render(container, title) {
    container.textContent = "";
    const svg = el("svg", { viewBox: "0 0 320 416", role: "img" });
    const titleEl = el("title", {}, svg);
    titleEl.textContent = title;
    const defs = el("defs", {}, svg);
    const marker = el("marker", { id: container.id + "-head", viewBox: "0 0 10 10", refX: "10", refY: "5",
      markerWidth: "6", markerHeight: "6", orient: "auto" }, defs);
    el("path", { d: "M0,0 L10,5 L0,10 z", fill: "#555" }, marker);
    const edges = {};
    for (const [from, to, toIndex] of EDGES) {
      const a = node(from, from === "CLOSED" ? 0 : undefined);
      const b = node(to, toIndex);
      // Opposite edges between the same two states run side by side.
      const reverse = EDGES.some((e) => e[0] === to && e[1] === from);
      const len = Math.hypot(b[1] - a[1], b[2] - a[2]);
      const off = reverse ? 5 : 0;
      const ox = (-(b[2] - a[2]) / len) * off, oy = ((b[1] - a[1]) / len) * off;
      const [x1, y1] = border(a[1] + ox, a[2] + oy, b[1] + ox, b[2] + oy);
      const [x2, y2] = border(b[1] + ox, b[2] + oy, a[1] + ox, a[2] + oy);
      const g = el("g", { class: "edge", "data-edge": `${from}>${to}` }, svg);
      el("path", { d: `M${x1.toFixed(1)},${y1.toFixed(1)} L${x2.toFixed(1)},${y2.toFixed(1)}`,
        "marker-end": `url(#${container.id}-head)` }, g);
      edges[`${from}>${to}`] = g;
    }
    const nodes = [];
    for (const [name, x, y] of NODES) {
      const g = el("g", { class: "state", "data-state": name }, svg);
      el("rect", { x: x - W / 2, y: y - H / 2, width: W, height: H, rx: 4 }, g);
      const t = el("text", { x, y: y + 4, "text-anchor": "middle" }, g);
      t.textContent = name;
      nodes.push(g);
    }
    container.appendChild(svg);
    return {
      // Marks `current` and the edge previous -> current; returns whether the figure has it.
      show(current, previous) {
        for (const g of nodes) {
          const on = g.dataset.state === current;
          g.classList.toggle("current", on);
          if (on) g.setAttribute("aria-current", "true"); else g.removeAttribute("aria-current");
          g.querySelector("text").textContent = (on ? "▶ " : "") + g.dataset.state;
        }
        for (const g of Object.values(edges)) g.classList.remove("taken");
        if (!previous || previous === current) return true;
        const e = edges[`${previous}>${current}`];
        if (e) e.classList.add("taken");
        return Boolean(e);
      },
    };
  }

  return { render, STATES: [...new Set(NODES.map((n) => n[0]))] };
})();
