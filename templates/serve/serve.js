// blueprint serve: the page's only script (the Content-Security-Policy allows no other).
// The server tells, over server-sent events, the version of every blueprint; when the one
// shown changes, the page fetches it again and swaps the drawing in place, keeping the zoom
// and the scroll position. Everything inserted as HTML was escaped by the server's templates.
"use strict";
(function () {
  const body = document.body;
  const live = document.getElementById("live");
  // what tests and the benchmark read: how often the drawing and the page were redone
  const stats = (window.blueprintServe = { redraws: 0, updates: 0, version: 0, goodVersion: 0 });

  function connect(onVersions) {
    const source = new EventSource("/events");
    source.onmessage = (e) => {
      live.textContent = "live";
      live.classList.remove("off");
      onVersions(JSON.parse(e.data));
    };
    source.onerror = () => {
      live.textContent = "reconnecting…";
      live.classList.add("off");
    };
  }

  // ------------------------------------------------------------------ the folder
  if (body.dataset.mode === "index") {
    let seq = null;
    let busy = false;
    let again = false;
    async function refresh() {
      if (busy) {
        again = true;
        return;
      }
      busy = true;
      try {
        const r = await fetch("/api/index", { cache: "no-store" });
        const data = await r.json();
        document.getElementById("rows").innerHTML = data.html;
        seq = data.seq;
        stats.updates += 1;
      } catch (err) {
        /* the server went away: the event stream says so */
      } finally {
        busy = false;
        if (again) {
          again = false;
          refresh();
        }
      }
    }
    connect((v) => {
      if (v.seq !== seq) refresh();
    });
    return;
  }

  // ------------------------------------------------------------- one blueprint
  const slug = body.dataset.slug;
  const $ = (id) => document.getElementById(id);
  const viewport = $("viewport");
  const drawing = $("drawing");
  const params = new URLSearchParams(location.search);
  const view = {
    theme: params.get("theme") === "mono" ? "mono" : "color",
    emotion: params.get("emotion") === "1",
    inferred: params.get("inferred") !== "0",
  };
  let zoom = { fit: true, scale: 1 };
  let drawingKey = null;
  let natural = null; // the drawing's size in CSS pixels at 1:1
  let shown = 0; // the version shown
  let busy = false;
  let tab = "diagram";
  let tabs = [];

  $("opt-emotion").checked = view.emotion;
  $("opt-mono").checked = view.theme === "mono";
  $("opt-inferred").checked = view.inferred;

  function query() {
    return `theme=${view.theme}&emotion=${view.emotion ? 1 : 0}&inferred=${view.inferred ? 1 : 0}`;
  }

  function downloads() {
    const q = query();
    $("dl-svg").href = `/b/${slug}/diagram.svg?${q}`;
    $("dl-png").href = `/b/${slug}/diagram.png?${q}`;
    $("dl-pdf").href = `/b/${slug}/diagram.pdf?${q}&paper=${$("paper").value}`;
  }

  // ---------------------------------------------------------------- zoom and pan
  function svg() {
    return drawing.querySelector("svg");
  }

  function measure() {
    const el = svg();
    if (!el || !el.viewBox || !el.viewBox.baseVal) return null;
    const vb = el.viewBox.baseVal;
    return { w: (vb.width * 4) / 3, h: (vb.height * 4) / 3 }; // Graphviz sizes are points
  }

  function applyZoom() {
    const el = svg();
    if (!el || !natural) return;
    if (zoom.fit) zoom.scale = Math.max(0.05, (viewport.clientWidth - 4) / natural.w);
    el.setAttribute("width", String(Math.round(natural.w * zoom.scale)));
    el.setAttribute("height", String(Math.round(natural.h * zoom.scale)));
    $("zoom-level").textContent = `${Math.round(zoom.scale * 100)}%${zoom.fit ? " (fit)" : ""}`;
  }

  function zoomTo(scale, cx, cy) {
    // keep the point under (cx, cy) of the viewport where it is
    const old = zoom.scale;
    scale = Math.min(8, Math.max(0.05, scale));
    const x = (viewport.scrollLeft + cx) / old;
    const y = (viewport.scrollTop + cy) / old;
    zoom = { fit: false, scale };
    applyZoom();
    viewport.scrollLeft = x * scale - cx;
    viewport.scrollTop = y * scale - cy;
  }

  $("zoom-in").onclick = () => zoomTo(zoom.scale * 1.25, viewport.clientWidth / 2, 0);
  $("zoom-out").onclick = () => zoomTo(zoom.scale / 1.25, viewport.clientWidth / 2, 0);
  $("zoom-one").onclick = () => zoomTo(1, 0, 0);
  $("zoom-fit").onclick = () => {
    zoom = { fit: true, scale: zoom.scale };
    applyZoom();
  };
  viewport.addEventListener(
    "wheel",
    (e) => {
      if (!e.ctrlKey && !e.metaKey) return;
      e.preventDefault();
      const r = viewport.getBoundingClientRect();
      zoomTo(zoom.scale * (e.deltaY < 0 ? 1.1 : 1 / 1.1), e.clientX - r.left, e.clientY - r.top);
    },
    { passive: false }
  );
  let drag = null;
  viewport.addEventListener("pointerdown", (e) => {
    if (e.button !== 0) return;
    drag = { x: e.clientX, y: e.clientY, left: viewport.scrollLeft, top: viewport.scrollTop };
    viewport.classList.add("dragging");
    viewport.setPointerCapture(e.pointerId);
  });
  viewport.addEventListener("pointermove", (e) => {
    if (!drag) return;
    viewport.scrollLeft = drag.left - (e.clientX - drag.x);
    viewport.scrollTop = drag.top - (e.clientY - drag.y);
  });
  const endDrag = () => {
    drag = null;
    viewport.classList.remove("dragging");
  };
  viewport.addEventListener("pointerup", endDrag);
  viewport.addEventListener("pointercancel", endDrag);
  window.addEventListener("resize", () => zoom.fit && applyZoom());

  // ------------------------------------------------------------------------ tabs
  function showTab(name) {
    tab = name;
    for (const b of document.querySelectorAll(".tab")) {
      b.setAttribute("aria-selected", String(b.dataset.tab === name));
    }
    $("pane-diagram").hidden = name !== "diagram";
    $("pane-analysis").hidden = name !== "analysis";
    $("pane-script").hidden = !name.startsWith("script-");
    loadFrame();
  }

  function loadFrame() {
    // frames are loaded when shown, and again when a new good version is shown
    const v = stats.goodVersion;
    if (!v) return;
    let frame = null;
    let src = null;
    if (tab === "analysis") {
      frame = $("frame-analysis");
      src = `/b/${slug}/analysis?v=${v}`;
    } else if (tab.startsWith("script-")) {
      frame = $("frame-script");
      src = `/b/${slug}/script/${tab.slice(7)}?v=${v}`;
    }
    if (frame && frame.getAttribute("src") !== src) frame.setAttribute("src", src);
  }

  document.querySelector(".tab[data-tab=diagram]").onclick = () => showTab("diagram");
  document.querySelector(".tab[data-tab=analysis]").onclick = () => showTab("analysis");

  let tabsFor = 0; // the good version whose scripts the tabs list
  async function scriptTabs() {
    const r = await fetch(`/api/b/${slug}/scripts`, { cache: "no-store" });
    const data = await r.json();
    tabsFor = data.good_version;
    const titles = data.titles;
    if (JSON.stringify(titles) === JSON.stringify(tabs)) return;
    tabs = titles;
    const holder = $("script-tabs");
    holder.textContent = "";
    titles.forEach((title, n) => {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "tab";
      b.setAttribute("role", "tab");
      b.dataset.tab = `script-${n}`;
      b.textContent = title; // text, never HTML
      b.onclick = () => showTab(b.dataset.tab);
      holder.appendChild(b);
    });
    if (tab.startsWith("script-") && Number(tab.slice(7)) >= titles.length) showTab("diagram");
    else showTab(tab);
  }

  // --------------------------------------------------------------------- updates
  let again = false;
  async function refresh() {
    if (busy) {
      again = true; // one more round when this one is done
      return;
    }
    busy = true;
    try {
      do {
        again = false;
        const key = query();
        const r = await fetch(`/api/b/${slug}?${key}`, { cache: "no-store" });
        const data = await r.json();
        if (data.gone) {
          $("problems").innerHTML =
            '<p class="banner">This blueprint is no longer in the folder (renamed or deleted).</p>';
          drawing.classList.add("stale");
          break;
        }
        if (key !== query()) {
          again = true; // a switch changed meanwhile
          continue;
        }
        if (data.version < shown) continue;
        apply(data); // the problems first: they are ready before the drawing
        if (data.good_version && data.drawing_key !== drawingKey) await draw(key);
        // the scripts' titles last: making them must not slow the drawing down
        if (data.good_version !== tabsFor) scriptTabs().catch(() => {});
      } while (again);
    } catch (err) {
      /* the server went away: the event stream says so, and tells again when it is back */
    } finally {
      busy = false;
    }
  }

  async function draw(key) {
    $("drawing-state").textContent = "drawing…";
    try {
      const r = await fetch(`/api/b/${slug}/svg?${key}`, { cache: "no-store" });
      const text = await r.text();
      $("draw-error").hidden = r.ok;
      if (!r.ok) {
        $("draw-error").textContent = text;
        return;
      }
      if (key !== query()) {
        again = true;
        return;
      }
      const left = viewport.scrollLeft;
      const top = viewport.scrollTop;
      drawing.innerHTML = text;
      drawingKey = r.headers.get("X-Drawing-Key");
      natural = measure();
      applyZoom();
      viewport.scrollLeft = left;
      viewport.scrollTop = top;
      stats.redraws += 1;
    } finally {
      $("drawing-state").textContent = "";
    }
  }

  function apply(data) {
    shown = data.version;
    $("problems").innerHTML = data.problems_html;
    $("headline").innerHTML = data.headline_html;
    $("status").innerHTML = data.status_html;
    $("title").textContent = data.title;
    document.title = `${data.title} · blueprint serve`;
    drawing.classList.toggle("stale", data.broken);
    body.classList.toggle("broken", data.broken);
    stats.version = data.version;
    stats.goodVersion = data.good_version;
    body.dataset.version = String(data.version);
    stats.updates += 1;
    loadFrame();
  }

  function option(id, set) {
    $(id).onchange = (e) => {
      set(e.target.checked);
      const url = new URL(location.href);
      url.search = query();
      history.replaceState(null, "", url);
      downloads();
      refresh();
    };
  }
  option("opt-emotion", (on) => (view.emotion = on));
  option("opt-mono", (on) => (view.theme = on ? "mono" : "color"));
  option("opt-inferred", (on) => (view.inferred = on));
  $("paper").onchange = downloads;
  downloads();

  connect((v) => {
    if (v.versions[slug] !== shown) refresh(); // changed, or gone (the answer says which)
  });
  refresh();
})();
