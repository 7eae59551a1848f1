#!/usr/bin/env node
// Open a memsnap HTML report in a real browser (Debian's chromium, headless)
// and check it as a reader would: it renders, the sections and SVG charts
// are there, tables sort when a header is clicked and filter when typed in,
// no script error or CSP violation is logged, no network request is made,
// hostile names show as text.  Screenshots (light, dark), a PDF (print) and
// the page without JavaScript go to the artefacts folder.
//
// No npm dependency: it speaks the DevTools protocol over a pipe
// (--remote-debugging-pipe: JSON messages, NUL-terminated, on fds 3 and 4),
// with Node's standard library only.
//
// The browser's network goes to a dead local proxy (127.0.0.1:9, loopback
// included): the page's own requests are counted over the protocol and must
// be none; a probe page with a remote image shows the count works.
//
// The containers table is measured at window widths of 1,400 and 800 px: no
// word breaks inside (a run of letters or digits of up to 24 characters on
// two lines, "guarante/ed"), the eight key columns (Name to OOM kills) are
// in the box without scrolling sideways, and the page does not scroll
// sideways; a screenshot of the table at each width is kept.  --many: the
// table has more than 30 rows and opens with the top 30 and a button that
// shows them all.
//
// --growth: a capture of several samples: What grew draws a sparkline per
// row, in its part's colour, rising where the row says steady; a
// screenshot of the section is kept.
// usage: check-report.js REPORT.html ARTIFACT_PREFIX [--hostile] [--oom] [--many] [--growth] [--deeper]
// (--deeper: issue 16's sections are there, linked from the section list)
"use strict";
const { spawn } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const args = process.argv.slice(2);
if (args.length < 2) {
  console.error("usage: check-report.js REPORT.html ARTIFACT_PREFIX [--hostile] [--oom] [--many] [--deeper]");
  process.exit(2);
}
const file = path.resolve(args[0]);
const prefix = args[1];
const hostile = args.includes("--hostile");
const expectOom = args.includes("--oom");
const many = args.includes("--many");
const growth = args.includes("--growth");
const deeper = args.includes("--deeper");
const chromium = process.env.CHROMIUM || "/usr/bin/chromium";
const url = "file://" + file;

let fails = 0;
function ok(cond, what) {
  if (cond) {
    console.log("ok " + what);
  } else {
    console.log("FAIL: " + what);
    fails++;
  }
}

const userDir = fs.mkdtempSync(path.join(os.tmpdir(), "memsnap-chromium-"));
const browser = spawn(chromium, [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
  "--disable-extensions", "--mute-audio", "--hide-scrollbars",
  "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
  "--user-data-dir=" + userDir, "--remote-debugging-pipe", "about:blank",
], { stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"], detached: true });
const browserExited = new Promise((r) => browser.on("exit", r));

// Chromium's helpers (zygote, renderers, crashpad) outlive a SIGKILL of the
// main process and keep writing into the profile: kill the whole process
// group (detached above makes the browser its leader), wait for the exit,
// then remove the profile, retrying while the last writers die.
async function killBrowser() {
  try { process.kill(-browser.pid, "SIGKILL"); } catch (e) { /* gone */ }
  await Promise.race([browserExited, new Promise((r) => setTimeout(r, 5000))]);
}
function removeProfile() {
  try {
    fs.rmSync(userDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  } catch (e) {
    console.log("note: could not remove " + userDir + ": " + e.code);
  }
}
let stderr = "";
browser.stderr.on("data", (d) => { stderr += d; });

const toBrowser = browser.stdio[3];
const fromBrowser = browser.stdio[4];
let nextId = 1;
const pending = new Map();
const events = [];
const waiters = [];
let buf = Buffer.alloc(0);

fromBrowser.on("data", (chunk) => {
  buf = Buffer.concat([buf, chunk]);
  let nul;
  while ((nul = buf.indexOf(0)) >= 0) {
    const msg = JSON.parse(buf.subarray(0, nul).toString("utf8"));
    buf = buf.subarray(nul + 1);
    if (msg.id && pending.has(msg.id)) {
      const { resolve, reject, method } = pending.get(msg.id);
      pending.delete(msg.id);
      if (msg.error) reject(new Error(method + ": " + JSON.stringify(msg.error)));
      else resolve(msg.result);
    } else if (msg.method) {
      events.push(msg);
      for (let i = waiters.length - 1; i >= 0; i--) {
        if (waiters[i].method === msg.method) {
          waiters[i].resolve(msg);
          waiters.splice(i, 1);
        }
      }
    }
  }
});

function send(method, params, sessionId) {
  const id = nextId++;
  const msg = { id, method, params: params || {} };
  if (sessionId) msg.sessionId = sessionId;
  toBrowser.write(JSON.stringify(msg) + "\0");
  return new Promise((resolve, reject) => pending.set(id, { resolve, reject, method }));
}

function waitFor(method, ms) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("timeout waiting for " + method)), ms);
    waiters.push({ method, resolve: (m) => { clearTimeout(t); resolve(m); } });
  });
}

async function main() {
  const { targetId } = await send("Target.createTarget", { url: "about:blank" });
  const { sessionId: s } = await send("Target.attachToTarget", { targetId, flatten: true });
  const page = (method, params) => send(method, params, s);
  const evaluate = async (expr) => {
    const r = await page("Runtime.evaluate", { expression: expr, returnByValue: true,
                                                awaitPromise: true });
    if (r.exceptionDetails) throw new Error("evaluate: " + JSON.stringify(r.exceptionDetails));
    return r.result.value;
  };
  await page("Page.enable");
  await page("Runtime.enable");
  await page("Log.enable");
  await page("Network.enable");
  await page("Emulation.setDeviceMetricsOverride",
             { width: 1280, height: 900, deviceScaleFactor: 1, mobile: false });

  const loaded = waitFor("Page.loadEventFired", 30000);
  await page("Page.navigate", { url });
  await loaded;

  // -- what is on the page
  const facts = await evaluate(`(() => {
    const q = (s) => document.querySelectorAll(s).length;
    return {
      title: document.title,
      sections: Array.from(document.querySelectorAll("section[id]")).map((e) => e.id.replace(/^c\\d+-/, "")),
      treemap: q("svg.treemap rect"), bars: q("svg.bars rect"), timeline: q("svg.timeline circle.kill"),
      details: q("details.sql"), tables: q("table.data"), buttons: q("table.data th button"),
      filters: q("input.filter"), scripts: q("script"),
      handlers: q("[onload],[onerror],[onclick],[onmouseover],iframe,object,embed,img,link,base,form"),
      text: document.body.innerText,
      height: Math.ceil(document.documentElement.scrollHeight),
      csp: (document.querySelector("meta[http-equiv='Content-Security-Policy']") || {}).content || "",
    };
  })()`);
  const want = ["node", "containers", "findings", "oom", "processes", "bpf", "problems"]
    .concat(growth ? ["growth"] : []);
  ok(want.every((w) => facts.sections.includes(w)), "sections: " + facts.sections.join(", "));
  if (deeper) {
    // each drawn (a height), its table's rows there, reached from the list
    const dw = ["dying", "memory-high", "tmpfs", "eviction", "kills", "heaps"];
    const shown = await evaluate(`${JSON.stringify(dw)}.filter((w) => {
      const s = document.querySelector("section[id$='-" + w + "']");
      const a = s && document.querySelector("nav a[href='#" + s.id + "']");
      const rows = s && (s.querySelectorAll("table.data tbody tr").length || s.querySelector("dl"));
      return a && rows && s.getBoundingClientRect().height > 0;
    })`);
    ok(shown.length === dw.length, "issue 16 sections drawn and listed: " + shown.join(", "));
    ok(/render-cache/.test(facts.text) && /--max-old-space-size/.test(facts.text) &&
       /Kubernetes sees it/.test(facts.text), "issue 16 values shown (a volume, a heap flag, k8s_visible)");
  }
  ok(facts.treemap > 0, "treemap drawn (" + facts.treemap + " rects)");
  ok(facts.bars > 0, "container bars drawn (" + facts.bars + " rects)");
  ok(!expectOom || facts.timeline > 0, "OOM timeline: " + facts.timeline + " kills");
  ok(facts.details >= 8, "SQL fold-outs: " + facts.details);
  ok(facts.tables >= 5 && facts.buttons > 0, facts.tables + " tables, sortable headers: " + facts.buttons);
  ok(facts.scripts === 1, "exactly one script element (ours): " + facts.scripts);
  ok(facts.handlers === 0, "no event handler attributes, frames, images, links or forms");
  ok(/default-src 'none'/.test(facts.csp) && /script-src 'sha256-/.test(facts.csp),
     "Content-Security-Policy forbids remote loads, allows our script by hash");

  // -- a fold-out opens
  const sqlShown = await evaluate(`(() => { const d = document.querySelector("details.sql");
    d.open = true; return d.querySelector("pre").getBoundingClientRect().height > 0 &&
    /SELECT/.test(d.textContent); })()`);
  ok(sqlShown, "a SQL fold-out opens and shows its query");

  // -- sorting by clicking a header, with real mouse events
  const sortable = await evaluate(`(() => {
    const t = document.querySelector("section[id$='-containers'] table.data");
    const ths = Array.from(t.tHead.rows[0].cells);
    const col = ths.findIndex((th) => /Working set/.test(th.textContent));
    const b = ths[col].querySelector("button").getBoundingClientRect();
    window.scrollTo(0, 0);
    const r = ths[col].querySelector("button").getBoundingClientRect();
    return { col, x: r.left + r.width / 2, y: r.top + r.height / 2, rows: t.tBodies[0].rows.length };
  })()`);
  ok(sortable.col >= 0, "the containers table has a Working set column");
  async function click(x, y) {
    await page("Input.dispatchMouseEvent", { type: "mousePressed", x, y, button: "left", clickCount: 1 });
    await page("Input.dispatchMouseEvent", { type: "mouseReleased", x, y, button: "left", clickCount: 1 });
  }
  const order = () => evaluate(`(() => {
    const t = document.querySelector("section[id$='-containers'] table.data");
    return Array.from(t.tBodies[0].rows).map((r) => r.cells[${sortable.col}].getAttribute("data-v"))
      .map((v) => v === "" ? null : parseFloat(v)); })()`);
  // scroll the header into view, then click where it is
  const pos = await evaluate(`(() => {
    const t = document.querySelector("section[id$='-containers'] table.data");
    const b = t.tHead.rows[0].cells[${sortable.col}].querySelector("button");
    b.scrollIntoView({ block: "center" });
    const r = b.getBoundingClientRect();
    return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
  })()`);
  await click(pos.x, pos.y);
  const desc = await order();
  await click(pos.x, pos.y);
  const asc = await order();
  const sorted = (a, dir) => a.filter((v) => v !== null).every((v, i, x) => i === 0 || dir * (v - x[i - 1]) >= 0);
  ok(desc.length < 2 || sorted(desc, -1), "first click sorts descending: " + desc.join(" "));
  ok(asc.length < 2 || sorted(asc, 1), "second click sorts ascending: " + asc.join(" "));
  const ariaSort = await evaluate(`document.querySelector("section[id$='-containers'] th[aria-sort]").getAttribute("aria-sort")`);
  ok(ariaSort === "ascending", "aria-sort says so: " + ariaSort);

  // -- every table and the findings list filter, however short
  const boxes = await evaluate(`(() => {
    const tables = Array.from(document.querySelectorAll("table.data")).filter((t) => t.tBodies.length);
    const lists = Array.from(document.querySelectorAll("ol.findings")).filter((l) => l.children.length);
    const boxed = (el) => el.previousElementSibling && el.previousElementSibling.matches("input.filter");
    return { tables: tables.length, lists: lists.length,
             unboxed: tables.concat(lists).filter((el) => !boxed(el)).length };
  })()`);
  ok(boxes.unboxed === 0 && facts.filters === boxes.tables + boxes.lists,
     "a filter box on each of " + boxes.tables + " tables and " + boxes.lists +
     " findings lists (" + facts.filters + " boxes, " + boxes.unboxed + " missing)");
  const tryFilter = (sel, items, pick) => evaluate(`(() => {
    const el = document.querySelector(${JSON.stringify(sel)});
    const input = el.previousElementSibling;
    const items = () => Array.from(${items});
    const all = items().length;
    const word = ${pick};
    const count = (text) => {
      input.value = text;
      input.dispatchEvent(new Event("input"));
      return items().filter((r) => !r.hidden).length;
    };
    const shown = count(word), none = count("no-such-row-anywhere"), back = count("");
    return { all, shown, none, back, word };
  })()`);
  const filtered = await tryFilter("section[id$='-containers'] table.data", "el.tBodies[0].rows",
    "el.tBodies[0].rows[el.tBodies[0].rows.length - 1].cells[0].textContent.trim().split(/\\s+/)[0]");
  ok(filtered.shown >= 1 && filtered.shown < filtered.all + 1 && filtered.none === 0 &&
     filtered.back === filtered.all,
     "containers filter '" + filtered.word + "': " + filtered.shown + " of " + filtered.all +
     " rows, nonsense: " + filtered.none + ", cleared: " + filtered.back);
  if (boxes.lists) {
    const ff = await tryFilter("ol.findings", "el.children",
      "el.children[0].querySelector('code.code').textContent.trim()");
    ok(ff.shown >= 1 && ff.shown <= ff.all && ff.none === 0 && ff.back === ff.all,
       "findings filter '" + ff.word + "': " + ff.shown + " of " + ff.all +
       ", nonsense: " + ff.none + ", cleared: " + ff.back);
  }

  // -- what the kernel cannot reclaim, next to the working set
  const cols = await evaluate(`Array.from(document.querySelector("section[id$='-containers'] table.data")
    .tHead.rows[0].cells).map((th) => th.textContent.trim())`);
  const ui = cols.indexOf("Unreclaimable");
  ok(ui > cols.indexOf("Working set") && cols[ui + 1] === "Unreclaimable use",
     "the containers table has Unreclaimable and Unreclaimable use columns: " + cols.join(" | "));

  // -- hostile names are text, not markup or escapes
  if (hostile) {
    ok(facts.text.includes("<svg onload=1>"), "a process named <svg onload=1> shows as text");
    ok(facts.text.includes("\\e]0;pwned\\x07"), "a terminal escape shows as \\e]0;pwned\\x07");
    ok(facts.text.includes("\\xff\\xfe"), "invalid UTF-8 shows as \\xff\\xfe");
    ok(facts.title.includes("<script>alert(1)</script>"), "the hostname is text in the title too");
    ok(!facts.text.includes("\u001b"), "no ESC byte reached the page");
    const pwned = await evaluate(`typeof window.alert === "function" && !document.querySelector("svg[onload], img[onerror], td b, h1 b, text b, code b, dd b:not(:first-child)")`);
    ok(pwned, "no injected element exists");
  }

  // -- What grew: one sparkline a row, coloured by the palette (the CSS
  // applies under the CSP), a steady row's line rising left to right
  if (growth) {
    const g = await evaluate(`(() => {
      const s = document.querySelector("section[id$='-growth']");
      if (!s) return null;
      s.scrollIntoView({ block: "start" });
      const rows = Array.from(s.querySelectorAll("tbody tr"));
      let drawn = 0, coloured = 0, steady = 0, rising = 0;
      for (const tr of rows) {
        const line = tr.querySelector("svg polyline"), area = tr.querySelector("svg polygon");
        if (!line || !area) continue;
        const r = line.getBoundingClientRect();
        const pts = line.points;
        if (r.width > 50 && pts.numberOfItems >= 2) drawn++;
        const f = getComputedStyle(area).fill;
        if (f && f !== "none" && f !== "rgb(0, 0, 0)") coloured++;
        if (tr.lastElementChild.textContent === "steady") {
          steady++;
          if (pts.getItem(pts.numberOfItems - 1).y < pts.getItem(0).y) rising++;
        }
      }
      const b = s.getBoundingClientRect();
      return { rows: rows.length, drawn, coloured, steady, rising,
               clip: { x: 0, y: b.top + scrollY, width: innerWidth, height: Math.min(b.height, 4000) } };
    })()`);
    ok(g && g.rows > 0 && g.drawn === g.rows && g.coloured === g.rows,
       "What grew: " + (g ? g.drawn + " of " + g.rows + " sparklines drawn, " + g.coloured + " coloured" : "no section"));
    ok(g && g.rising === g.steady, "What grew: " + (g ? g.rising + " of " + g.steady : "?") + " steady rows rise");
    if (g) {
      const shotG = await page("Page.captureScreenshot", { format: "png", captureBeyondViewport: true,
                                                           clip: Object.assign({ scale: 1 }, g.clip) });
      fs.writeFileSync(prefix + "-growth.png", Buffer.from(shotG.data, "base64"));
    }
  }

  // -- the containers table at 1,400 and 800 px
  const KEY = ["Name", "Group", "Working set", "Limit", "Use", "Unreclaimable",
               "Unreclaimable use", "OOM kills"];
  for (const width of [1400, 800]) {
    await page("Emulation.setDeviceMetricsOverride", { width, height: 900, deviceScaleFactor: 1, mobile: false });
    const m = await evaluate(`(() => {
      const KEY = ${JSON.stringify(KEY)};
      const t = document.querySelector("section[id$='-containers'] table.data");
      const wrap = t.parentNode;
      t.scrollIntoView({ block: "start" });
      const box = wrap.getBoundingClientRect();
      const ths = Array.from(t.tHead.rows[0].cells);
      const cols = ths.map((th) => th.textContent.trim());
      const out = KEY.filter((k) => {
        const th = ths[cols.indexOf(k)];
        if (!th) return true;
        const r = th.getBoundingClientRect();
        return r.width === 0 || r.left < box.left - 0.5 || r.right > Math.min(box.right, innerWidth) + 0.5;
      });
      // every run of letters or digits of the table on one line (longer
      // than 24 it is an id or a hash, which may break)
      const broken = [];
      const walker = document.createTreeWalker(t, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        for (const w of n.data.matchAll(/[\\p{L}\\p{N}]+/gu)) {
          if (w[0].length < 2 || w[0].length > 24) continue;
          const range = document.createRange();
          range.setStart(n, w.index);
          range.setEnd(n, w.index + w[0].length);
          const tops = new Set(Array.from(range.getClientRects()).filter((r) => r.width > 0)
                                 .map((r) => Math.round(r.top)));
          if (tops.size > 1 && broken.length < 5) broken.push(w[0]);
        }
      }
      const r = t.getBoundingClientRect();
      return { out, broken, scrollLeft: wrap.scrollLeft, cols: cols.length,
               widths: ths.map((th) => cols[ths.indexOf(th)] + ":" + Math.round(th.getBoundingClientRect().width)).join(" ") + " box " + Math.round(box.width),
               pageScrolls: document.documentElement.scrollWidth > innerWidth + 1,
               wide: document.documentElement.scrollWidth + " px: " +
                 Array.from(document.querySelectorAll("body *")).filter((e) => {
                   if (e.getBoundingClientRect().right <= innerWidth + 1) return false;
                   for (let a = e.parentElement; a; a = a.parentElement)
                     if (getComputedStyle(a).overflowX !== "visible") return false;
                   return true;
                 })
                 .slice(0, 3).map((e) => e.tagName.toLowerCase() + "." + e.className + "<" +
                                  e.parentElement.tagName + "." + e.parentElement.className + " '" +
                                  e.textContent.slice(0, 40) + "'").join("; "),
               clip: { x: Math.max(0, box.left - 8), y: Math.max(0, r.top + scrollY - 8),
                       width: Math.min(innerWidth, box.width + 16), height: Math.min(r.height + 16, 4000) } };
    })()`);
    ok(m.out.length === 0 && m.scrollLeft === 0,
       width + " px: the key columns are in the box without scrolling" +
       (m.out.length ? " (outside: " + m.out.join(", ") + "; " + m.widths + ")" : ""));
    ok(m.broken.length === 0, width + " px: no word breaks inside in the containers table" +
       (m.broken.length ? " (broken: " + m.broken.join(", ") + ")" : ""));
    ok(!m.pageScrolls, width + " px: the page does not scroll sideways" +
       (m.pageScrolls ? " (wider than the window: " + m.wide + ")" : ""));
    const clip = Object.assign({ scale: 1 }, m.clip);
    const shotT = await page("Page.captureScreenshot", { format: "png", clip, captureBeyondViewport: true });
    fs.writeFileSync(prefix + "-containers-" + width + ".png", Buffer.from(shotT.data, "base64"));
  }

  // -- a big node's table opens with its top 30
  const top = await evaluate(`(() => {
    const t = document.querySelector("section[id$='-containers'] table.data");
    const shown = () => Array.from(t.tBodies[0].rows).filter((r) => r.getClientRects().length).length;
    const b = Array.from(t.parentNode.parentNode.querySelectorAll("button.more"))
      .find((x) => /^Show all/.test(x.textContent));
    const r = { rows: t.tBodies[0].rows.length, first: shown(), label: b ? b.textContent : null };
    if (b) { b.click(); r.after = shown(); r.label2 = b.textContent; b.click(); r.back = shown(); }
    return r;
  })()`);
  // a live node may have more than 30 containers (other tests' cgroups):
  // then it is a big node's table, --many or not
  if (many || top.rows > 30) {
    ok(top.rows > 30 && top.first === 30 && top.after === top.rows && top.back === 30,
       "a table of " + top.rows + " containers opens with " + top.first + " rows; '" + top.label +
       "' shows " + top.after + ", '" + top.label2 + "' " + top.back);
  } else {
    ok(top.first === top.rows && !top.label, "a table of " + top.rows + " containers shows them all");
  }

  // -- screenshots: light, dark; print to PDF
  await page("Emulation.setDeviceMetricsOverride",
             { width: 1280, height: Math.min(facts.height, 16000), deviceScaleFactor: 1, mobile: false });
  await evaluate("window.scrollTo(0, 0)");
  let shot = await page("Page.captureScreenshot", { format: "png", captureBeyondViewport: true });
  fs.writeFileSync(prefix + "-light.png", Buffer.from(shot.data, "base64"));
  await page("Emulation.setEmulatedMedia", { features: [{ name: "prefers-color-scheme", value: "dark" }] });
  const bg = await evaluate("getComputedStyle(document.body).backgroundColor");
  ok(bg !== "rgb(255, 255, 255)", "dark mode changes the background: " + bg);
  shot = await page("Page.captureScreenshot", { format: "png", captureBeyondViewport: true });
  fs.writeFileSync(prefix + "-dark.png", Buffer.from(shot.data, "base64"));
  await page("Emulation.setEmulatedMedia", { media: "print", features: [] });
  const navHidden = await evaluate(`getComputedStyle(document.querySelector("nav")).display`);
  ok(navHidden === "none", "print hides the navigation");
  await page("Emulation.setEmulatedMedia", { media: "", features: [] });
  const pdf = await page("Page.printToPDF", { printBackground: false, preferCSSPageSize: false });
  fs.writeFileSync(prefix + ".pdf", Buffer.from(pdf.data, "base64"));
  ok(pdf.data.length > 1000, "prints to PDF (" + Math.round(pdf.data.length * 3 / 4 / 1024) + " KiB)");

  // -- without JavaScript: the same content, tables in their order
  await page("Emulation.setScriptExecutionDisabled", { value: true });
  const reloaded = waitFor("Page.loadEventFired", 30000);
  await page("Page.reload", { ignoreCache: true });
  await reloaded;
  await page("Emulation.setScriptExecutionDisabled", { value: false });
  const nojs = await evaluate(`({ buttons: document.querySelectorAll("table.data th button").length,
    tables: document.querySelectorAll("table.data").length,
    svgs: document.querySelectorAll("svg.chart").length, details: document.querySelectorAll("details.sql").length })`);
  ok(nojs.buttons === 0 && nojs.tables === facts.tables && nojs.svgs >= 2 && nojs.details === facts.details,
     "without JavaScript: " + nojs.tables + " tables, " + nojs.svgs + " charts, " + nojs.details + " fold-outs");
  shot = await page("Page.captureScreenshot", { format: "png", captureBeyondViewport: false });
  fs.writeFileSync(prefix + "-nojs.png", Buffer.from(shot.data, "base64"));

  // -- what the browser said
  const errors = [];
  const requests = [];
  for (const e of events) {
    if (e.method === "Runtime.exceptionThrown") errors.push("exception: " + JSON.stringify(e.params.exceptionDetails.exception || e.params.exceptionDetails.text));
    if (e.method === "Runtime.consoleAPICalled" && (e.params.type === "error" || e.params.type === "warning"))
      errors.push("console." + e.params.type + ": " + JSON.stringify(e.params.args));
    if (e.method === "Log.entryAdded" && (e.params.entry.level === "error" || e.params.entry.level === "warning"))
      errors.push("log " + e.params.entry.source + ": " + e.params.entry.text);
    if (e.method === "Network.requestWillBeSent" && e.sessionId === s) {
      const u = e.params.request.url;
      if (u !== url && u !== "about:blank") requests.push(u);
    }
  }
  ok(errors.length === 0, "no script error, console error or CSP violation logged" + (errors.length ? ": " + errors.join("; ") : ""));
  ok(requests.length === 0, "no network request but the page itself" + (requests.length ? ": " + requests.join(", ") : ""));

  // -- the count works: a page that does load a remote image is seen doing it
  const probe = await send("Target.createTarget", { url: "about:blank" });
  const { sessionId: ps } = await send("Target.attachToTarget", { targetId: probe.targetId, flatten: true });
  await send("Network.enable", {}, ps);
  await send("Page.enable", {}, ps);
  const probeLoaded = waitFor("Page.loadEventFired", 30000);
  await send("Page.navigate", { url: "data:text/html,<img src='http://memsnap-probe.invalid/x.png'>" }, ps);
  await probeLoaded;
  const seen = events.filter((e) => e.method === "Network.requestWillBeSent" && e.sessionId === ps &&
                                     /memsnap-probe/.test(e.params.request.url)).length;
  ok(seen >= 1, "the request count sees a probe page's remote image (" + seen + " requests)");
}

const watchdog = setTimeout(() => {
  console.log("FAIL: the browser did not finish within 120 s");
  console.log(stderr.slice(-2000));
  try { process.kill(-browser.pid, "SIGKILL"); } catch (e) { /* gone */ }
  process.exit(1);
}, 120000);

main().then(() => {}, (e) => {
  console.log("FAIL: " + e.message);
  console.log(stderr.slice(-2000));
  fails++;
}).finally(async () => {
  clearTimeout(watchdog);
  try { await Promise.race([send("Browser.close"), new Promise((r) => setTimeout(r, 3000))]); } catch (e) { /* gone */ }
  await killBrowser();
  removeProfile();
  console.log(fails ? fails + " checks failed" : "all checks passed");
  process.exit(fails ? 1 : 0);
});
