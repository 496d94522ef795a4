// The playground page: it sends what the controls say and draws what the server sends.
// All training, every number of the chain rule and every picture comes from the server
// (the Backprop library); this file only places them on the page, and keeps the settings in
// the address (#data=spiral&hidden=8,8&…) so that a link or a reload brings the page back.
"use strict";

const $ = (id) => document.getElementById(id);
const FEATURES = [["x1", "x1"], ["x2", "x2"], ["x1sq", "x1²"], ["x2sq", "x2²"], ["x1x2", "x1·x2"], ["sin_x1", "sin x1"], ["sin_x2", "sin x2"]];
const initialAddress = location.hash;          // read before the first settings rewrite it
let pendingAddress = null;                     // an address's settings, until the server answers them
let addressErrors = null;                      // while an address's settings go one by one: every refusal, shown together
let restoring = false;
let socket = null, session = null, settings = null, lastSettingsText = "", speed = 30;
let maxMessageBytes = Infinity, maxCSVBytes = Infinity;   // the server's limits (hello): a larger message closes the connection

function send(message) {
  if (quiz && message.type !== "quizAnswer") endQuiz();   // any change ends a quiz (the server's too)
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
}

function showError(text) {
  const box = $("error");
  box.textContent = text;
  box.hidden = !text;
}

function connect() {
  socket = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`);
  socket.onopen = () => { $("status").textContent = "connected"; };
  socket.onclose = () => { $("status").textContent = "disconnected — reload the page to start a new session"; };
  socket.onmessage = (event) => {
    const message = JSON.parse(event.data);
    if (message.type === "hello") {
      session = message.session;
      for (const [id, file] of [["export-model", "model.json"], ["export-checkpoint", "checkpoint.json"], ["export-boundary", "boundary.svg"],
                                ["export-network", "network.svg"], ["export-loss", "loss.svg"], ["export-step", "step.svg"]]) {
        $(id).href = `/export/${session}/${file}`;
      }
      receiveSettings(message.settings);
      speed = message.speed;
      maxMessageBytes = message.maxMessageBytes ?? Infinity;
      maxCSVBytes = message.maxCSVBytes ?? Infinity;
      restoring = true;                       // after the session's first state, which follows
    } else if (message.type === "state") {
      pendingAddress = null;
      applyPatches(message);
      showState(Object.assign(lastState, message), message);   // a state carries only what changed
      if (restoring) { restoring = false; restoreFromAddress(); }
    } else if (message.type === "quiz") {
      startQuiz(message);
    } else if (message.type === "quizResult") {
      showQuizResult(message);
    } else if (message.type === "error") {
      if (pendingAddress) { const change = pendingAddress; pendingAddress = null; addressErrors = []; applyKeysOneByOne(change); showError(message.message); }
      else if (addressErrors) { addressErrors.push(message.message); showError(addressErrors.join("\n")); }
      else showError(message.message);
      // What still holds, shown again even when it did not change: the refused value left the field
      // and the address (configure() takes a change at once), and a reload would carry it.
      if (message.settings) { lastSettingsText = ""; receiveSettings(message.settings); writeAddress(); }
    }
  };
}

// ---- settings -------------------------------------------------------------------------------

function configure(change) {
  showError("");
  addressErrors = null;
  Object.assign(settings, change);
  send(Object.assign({ type: "configure" }, change));
  showSettings();
}

function receiveSettings(s) {
  const text = JSON.stringify(s);
  if (text === lastSettingsText) return;
  lastSettingsText = text;
  settings = s;
  showSettings();
}

function showSettings() {
  if (!settings) return;
  for (const b of document.querySelectorAll(".datasets button")) b.classList.toggle("chosen", b.dataset.set === settings.data);
  $("problem").textContent = settings.problem === "regression" ? "regression: the network predicts a number (one output)" : "classification: two classes";
  $("samples").value = settings.samples;
  $("noise").value = settings.noise; $("noise-value").textContent = settings.noise;
  $("testSplit").value = settings.testSplit; $("testSplit-value").textContent = Math.round(settings.testSplit * 100) + "%";
  $("batch-size").value = settings.batch;
  $("scale").value = settings.scale;
  $("optimizer").value = settings.optimizer;
  selectValue("learningRate", settings.learningRate);
  selectValue("weightDecay", settings.weightDecay);
  selectValue("l1", settings.l1);
  selectValue("dropout", settings.dropout);
  $("loss").value = settings.loss;
  $("seed").value = settings.seed;
  $("dataSeed").value = settings.dataSeed;
  $("output").value = settings.output;
  for (const id of FLAGS) $(id).checked = settings[id];
  for (const box of document.querySelectorAll("#features input")) box.checked = settings.features.includes(box.dataset.feature);
  $("layer-count").textContent = settings.hidden.length;
  const layers = $("layers");
  layers.innerHTML = "";
  settings.hidden.forEach((neurons, i) => {
    const box = document.createElement("div");
    box.className = "layer";
    box.innerHTML = `layer ${i + 1}: <button data-i="${i}" data-d="-1">−</button> <b>${neurons}</b>
      <button data-i="${i}" data-d="1">+</button> <select data-i="${i}">
      ${["tanh", "sigmoid", "relu", "leaky-relu", "identity"].map((a) => `<option${a === settings.activations[i] ? " selected" : ""}>${a}</option>`).join("")}
      </select>`;
    layers.appendChild(box);
  });
  writeAddress();
}

// A number input: its value, or (empty, not a number) an error and the value that holds.
function numberField(key, input, name) {
  const text = input.value.trim();
  if (text === "" || !Number.isFinite(Number(text))) {
    showError(`${name}: type a number`);
    input.value = settings[key];
    return;
  }
  configure({ [key]: Number(text) });
}

function selectValue(id, value) {
  const select = $(id);
  if (![...select.options].some((o) => Number(o.value) === Number(value))) {
    const option = document.createElement("option");
    option.textContent = String(value);
    select.appendChild(option);
  }
  select.value = [...select.options].find((o) => Number(o.value) === Number(value)).value;
}

function wireControls() {
  $("features").innerHTML = FEATURES.map(([name, label]) => `<label><input type="checkbox" data-feature="${name}"> ${label}</label>`).join("");
  $("play").onclick = () => { showError(""); send({ type: "play" }); };
  $("quiz-start").onclick = () => { showError(""); send({ type: "quiz" }); };
  $("pause").onclick = () => send({ type: "pause" });
  $("step").onclick = () => { showError(""); send({ type: "step" }); };
  $("reset").onclick = () => { showError(""); send({ type: "reset" }); };
  $("new-data").onclick = () => { showError(""); send({ type: "newData" }); };
  $("speed").onchange = (e) => { speed = Number(e.target.value); send({ type: "speed", epochsPerSecond: speed }); writeAddress(); };
  for (const b of document.querySelectorAll(".datasets button")) b.onclick = () => configure({ data: b.dataset.set });
  $("samples").onchange = (e) => numberField("samples", e.target, "points");
  $("noise").oninput = (e) => { $("noise-value").textContent = e.target.value; };
  $("noise").onchange = (e) => configure({ noise: Number(e.target.value) });
  $("testSplit").onchange = (e) => configure({ testSplit: Number(e.target.value) });
  $("batch-size").onchange = (e) => numberField("batch", e.target, "batch size");
  $("scale").onchange = (e) => configure({ scale: e.target.value });
  $("optimizer").onchange = (e) => configure({ optimizer: e.target.value });
  $("learningRate").onchange = (e) => configure({ learningRate: Number(e.target.value) });
  $("weightDecay").onchange = (e) => configure({ weightDecay: Number(e.target.value) });
  $("l1").onchange = (e) => configure({ l1: Number(e.target.value) });
  $("dropout").onchange = (e) => configure({ dropout: Number(e.target.value) });
  $("loss").onchange = (e) => configure({ loss: e.target.value });
  $("seed").onchange = (e) => numberField("seed", e.target, "weight seed");
  $("dataSeed").onchange = (e) => numberField("dataSeed", e.target, "data seed");
  $("output").onchange = (e) => configure({ output: e.target.value });
  for (const id of FLAGS) $(id).onchange = (e) => configure({ [id]: e.target.checked });
  $("features").onchange = () => {
    const chosen = [...document.querySelectorAll("#features input:checked")].map((i) => i.dataset.feature);
    if (chosen.length === 0) { showError("features: keep at least one input"); showSettings(); return; }
    configure({ features: chosen });
  };
  $("add-layer").onclick = () => {
    if (settings.hidden.length >= 6) return;
    configure({ hidden: settings.hidden.concat([4]), activations: settings.activations.concat([settings.activations.at(-1) || "tanh"]) });
  };
  $("remove-layer").onclick = () => {
    if (settings.hidden.length === 0) return;
    configure({ hidden: settings.hidden.slice(0, -1), activations: settings.activations.slice(0, -1) });
  };
  $("layers").onclick = (e) => {
    const d = Number(e.target.dataset.d);
    if (!d) return;
    const hidden = settings.hidden.slice(), i = Number(e.target.dataset.i);
    hidden[i] = Math.min(16, Math.max(1, hidden[i] + d));
    configure({ hidden });
  };
  $("layers").onchange = (e) => {
    const activations = settings.activations.slice();
    activations[Number(e.target.dataset.i)] = e.target.value;
    configure({ activations });
  };
  $("csv").onchange = async (e) => {
    const file = e.target.files[0];
    if (!file) return;
    if (file.size > maxCSVBytes) { showError(`${file.name} is larger than ${maxCSVBytes} bytes, the most the playground takes`); return; }
    const change = { data: "csv", csv: await file.text(), csvName: file.name };
    const bytes = new TextEncoder().encode(JSON.stringify(Object.assign({ type: "configure" }, change))).length;
    if (bytes > maxMessageBytes) {             // control characters: 6 bytes each once in JSON
      showError(`${file.name} takes ${bytes} bytes to send, more than the ${maxMessageBytes} the server takes: is it a text CSV?`);
      return;
    }
    configure(change);
    delete settings.csv;
  };
  $("network").onclick = (e) => {
    const id = parameterAt(e);
    if (!id) return;
    send({ type: "select", parameter: id });
    $("panel").classList.remove("flash"); void $("panel").offsetWidth; $("panel").classList.add("flash");
    $("panel").scrollIntoView({ block: "nearest", behavior: "smooth" });
  };
  $("network").onmousemove = (e) => {
    const id = parameterAt(e), tip = $("tooltip");
    const text = id && tooltip(id);
    if (!text) { tip.hidden = true; return; }
    tip.textContent = text;
    tip.style.left = `${e.clientX + 12}px`; tip.style.top = `${e.clientY + 12}px`;
    tip.hidden = false;
  };
  $("network").onmouseleave = () => { $("tooltip").hidden = true; };
  $("chain").onclick = (e) => {
    if (e.target.id !== "edit-set") return;
    const text = $("edit-value").value.trim(), value = Number(text);
    if (text === "" || !Number.isFinite(value)) { showError("edit: type a number for the weight"); return; }
    showError("");
    send({ type: "edit", parameter: $("chain").dataset.parameter, value });
  };
}

// What the tooltip says of `w-l-j-k` or `n-l-j`, from the numbers the state carries.
function tooltip(id) {
  const p = lastState.parameters, [kind, ...rest] = id.split("-"), [l, j, k] = rest.map(Number);
  if (!p || l < 1) return null;
  const sup = String(l).split("").map((d) => "⁰¹²³⁴⁵⁶⁷⁸⁹"[d]).join("");
  if (kind === "w") {
    const w = p.weights[l - 1]?.[j]?.[k];
    if (w === undefined) return null;
    const dW = p.gradients?.[l - 1]?.[j]?.[k];
    return `W${sup}[${j}][${k}] = ${w}` + (dW === undefined ? "" : `  |dW| = ${dW}`);
  }
  const b = p.biases[l - 1]?.[j], mark = p.marks[l]?.[j];
  return b === undefined ? null : `b${sup}[${j}] = ${b}` + (mark ? ` — ${mark}` : "");
}

// The parameter under the pointer: a neuron's square, else the nearest edge within 8 pixels
// (the geometry decides, so that crossing edges each get their own middle).
function parameterAt(e) {
  if (/^n-/.test(e.target.id || "")) return e.target.id;
  const svg = $("network").querySelector("svg");
  if (!svg) return null;
  const m = svg.getScreenCTM();
  if (!m) return null;
  const p = new DOMPoint(e.clientX, e.clientY).matrixTransform(m.inverse());
  const scale = Math.hypot(m.a, m.b) || 1;
  let best = null, bestDistance = 8 / scale;
  for (const line of svg.querySelectorAll("line[id^='w-']")) {
    const [x1, y1, x2, y2] = ["x1", "y1", "x2", "y2"].map((a) => Number(line.getAttribute(a)));
    const dx = x2 - x1, dy = y2 - y1, t = Math.max(0, Math.min(1, ((p.x - x1) * dx + (p.y - y1) * dy) / (dx * dx + dy * dy || 1)));
    const d = Math.hypot(p.x - (x1 + t * dx), p.y - (y1 + t * dy));
    if (d < bestDistance) { best = line.id; bestDistance = d; }
  }
  return best;
}

// ---- state ----------------------------------------------------------------------------------

function number(x, digits = 4) {
  return x === null || x === undefined ? "–" : Number(x).toPrecision(digits);
}

// A number after an operator: a negative one in parentheses, "− 0.3 × (-0.03)", never "× -0.03"
// (the library's `parenthesized`, which `backprop explain` prints with).
function factor(x, digits = 4) {
  return Number(x) < 0 ? `(${number(x, digits)})` : number(x, digits);
}

function setNumber(id, value, digits) {
  const el = $(id);
  el.textContent = number(value, digits);
  el.dataset.value = value === null ? "" : String(value);
}

// The session's state as last known: each state message updates the members it carries.
const lastState = {};

// A picture's changed lines (`patches.NAME = [[line, text], …]`) applied to its last text and,
// element by element, to the picture on the page (line i of an SVG is its element i − 1).
const PICTURES = { boundary: "boundary", network: "network", loss: "loss-chart" };
let patchedElements = 0;                 // how many elements patches replaced (the browser test reads it)
function applyPatches(message) {
  for (const [name, changes] of Object.entries(message.patches || {})) {
    const lines = lastState[name].split("\n");
    for (const [i, text] of changes) lines[i] = text;
    lastState[name] = lines.join("\n");
    const svg = $(PICTURES[name])?.querySelector("svg");
    const shown = svg && svg.children.length === lines.length - 3;   // <svg …>, the elements, </svg>, ""
    for (const [i, text] of changes) {
      if (!shown || i < 1 || i > svg.children.length) { if (svg) $(PICTURES[name]).innerHTML = lastState[name]; break; }
      const holder = document.createElementNS("http://www.w3.org/2000/svg", "svg");
      holder.innerHTML = text;
      svg.children[i - 1].replaceWith(holder.firstElementChild);
      patchedElements++;
    }
  }
  delete message.patches;
}

// Shows the state `s`; of the pictures, only those `changed` carries are drawn again.
function showState(s, changed = s) {
  $("epoch").textContent = s.epoch;
  $("batch").textContent = `${s.batch + 1}/${s.batches}`;
  setNumber("train-loss", s.trainLoss);
  setNumber("test-loss", s.testLoss);
  const regression = s.testAccuracy === null;
  $("accuracy-name").textContent = regression ? "test R²" : "test accuracy";
  $("accuracy-box").title = regression ? "the share of the test targets' variance the network explains" : "";
  $("test-accuracy").textContent = regression ? (s.testR2 === null ? "–" : Number(s.testR2).toFixed(3)) : (100 * s.testAccuracy).toFixed(1) + "%";
  $("test-accuracy").dataset.value = String(regression ? s.testR2 : s.testAccuracy);
  $("play").disabled = s.playing || s.diverged !== null;
  $("pause").disabled = !s.playing;
  $("status").textContent = s.playing ? "training…" : s.diverged ? "diverged" : "paused";
  if (s.diverged) showError("Training diverged: " + s.diverged);
  const note = s.pending ? "Waiting for the epoch's end: " + s.pending : s.restarted ? "Started over: " + s.restarted : "";
  $("pending").hidden = !note;
  $("pending").textContent = note;
  receiveSettings(s.settings);
  if ("boundary" in changed) $("boundary").innerHTML = s.boundary;
  if ("network" in changed) $("network").innerHTML = s.network;
  if ("loss" in changed) $("loss-chart").innerHTML = s.loss;
  showCommand(s.command);
  showChain(s.chain, s);
}

// The command, one box per option and its value, so that a line breaks between options (not
// after the hyphen of "--learning-rate", nor between "--batch" and its 10); its text stays the
// command, spaces and all.
function showCommand(command) {
  const box = $("command");
  if (box.dataset.command === command) return;
  box.dataset.command = command;
  const nodes = [];
  command.split("\n").forEach((line, i) => {
    if (i > 0) nodes.push(document.createTextNode("\n"));
    const groups = [];
    for (const token of line.split(" ")) {
      const last = groups[groups.length - 1];
      if (last && !token.startsWith("--") && (last.length === 1 && last[0].startsWith("--") || last[0] === "backprop")) last.push(token);
      else groups.push([token]);
    }
    groups.forEach((group, j) => {
      if (j > 0) nodes.push(document.createTextNode(" "));
      const word = document.createElement("span");
      word.className = "word";
      word.textContent = group.join(" ");
      nodes.push(word);
    });
  });
  box.replaceChildren(...nodes);
}

// An address typed into this tab (our own writes use replaceState, which fires no hashchange).
window.addEventListener("hashchange", () => { if (session) { showError(""); applyAddress(location.hash); } });

wireControls();
connect();
