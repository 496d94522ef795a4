// The playground page: it sends what the controls say and draws what the server sends.
// All training, every number of the chain rule and every picture comes from the server
// (the Backprop library); this file only places them on the page.
"use strict";

const $ = (id) => document.getElementById(id);
let socket = null, session = null, settings = null, selected = null, lastState = null;

function send(message) {
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
      settings = message.settings;
      for (const [id, file] of [["export-model", "model.json"], ["export-boundary", "boundary.svg"], ["export-network", "network.svg"],
                                ["export-loss", "loss.svg"], ["export-step", "step.svg"]]) {
        $(id).href = `/export/${session}/${file}`;
      }
      $("speed").value = String(message.speed);
      showSettings();
    } else if (message.type === "state") {
      showState(message);
    } else if (message.type === "error") {
      showError(message.message);
      if (message.settings) { settings = message.settings; showSettings(); }   // what still holds
    }
  };
}

// ---- settings -------------------------------------------------------------------------------

function configure(change) {
  showError("");
  Object.assign(settings, change);
  send(Object.assign({ type: "configure" }, change));
  showSettings();
}

function showSettings() {
  if (!settings) return;
  for (const b of document.querySelectorAll(".datasets button")) b.classList.toggle("chosen", b.dataset.set === settings.data);
  $("samples").value = settings.samples;
  $("noise").value = settings.noise; $("noise-value").textContent = settings.noise;
  $("testSplit").value = settings.testSplit; $("testSplit-value").textContent = Math.round(settings.testSplit * 100) + "%";
  $("batch-size").value = settings.batch;
  $("scale").value = settings.scale;
  $("optimizer").value = settings.optimizer;
  selectValue("learningRate", settings.learningRate);
  selectValue("weightDecay", settings.weightDecay);
  $("loss").value = settings.loss;
  $("seed").value = settings.seed;
  $("output").value = settings.output;
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
  $("play").onclick = () => send({ type: "play" });
  $("pause").onclick = () => send({ type: "pause" });
  $("step").onclick = () => send({ type: "step" });
  $("reset").onclick = () => send({ type: "reset" });
  $("speed").onchange = (e) => send({ type: "speed", epochsPerSecond: Number(e.target.value) });
  for (const b of document.querySelectorAll(".datasets button")) b.onclick = () => configure({ data: b.dataset.set });
  $("samples").onchange = (e) => configure({ samples: Number(e.target.value) });
  $("noise").oninput = (e) => { $("noise-value").textContent = e.target.value; };
  $("noise").onchange = (e) => configure({ noise: Number(e.target.value) });
  $("testSplit").onchange = (e) => configure({ testSplit: Number(e.target.value) });
  $("batch-size").onchange = (e) => configure({ batch: Number(e.target.value) });
  $("scale").onchange = (e) => configure({ scale: e.target.value });
  $("optimizer").onchange = (e) => configure({ optimizer: e.target.value });
  $("learningRate").onchange = (e) => configure({ learningRate: Number(e.target.value) });
  $("weightDecay").onchange = (e) => configure({ weightDecay: Number(e.target.value) });
  $("loss").onchange = (e) => configure({ loss: e.target.value });
  $("seed").onchange = (e) => configure({ seed: Number(e.target.value) });
  $("output").onchange = (e) => configure({ output: e.target.value });
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
    if (file.size > 1 << 20) { showError(`${file.name} is larger than 1 MB`); return; }
    configure({ data: "csv", csv: await file.text(), csvName: file.name });
    delete settings.csv;
  };
  $("network").onclick = (e) => {
    const id = e.target.id;
    if (!/^[wn]-/.test(id)) return;
    selected = id;
    send({ type: "select", parameter: id });
  };
}

// ---- state ----------------------------------------------------------------------------------

function number(x, digits = 4) {
  return x === null || x === undefined ? "–" : Number(x).toPrecision(digits);
}

function setNumber(id, value, digits) {
  const el = $(id);
  el.textContent = number(value, digits);
  el.dataset.value = value === null ? "" : String(value);
}

function showState(s) {
  lastState = s;
  $("epoch").textContent = s.epoch;
  $("batch").textContent = `${s.batch + 1}/${s.batches}`;
  setNumber("train-loss", s.trainLoss);
  setNumber("test-loss", s.testLoss);
  $("test-accuracy").textContent = (100 * s.testAccuracy).toFixed(1) + "%";
  $("play").disabled = s.playing;
  $("pause").disabled = !s.playing;
  $("status").textContent = s.playing ? "training…" : "paused";
  if (s.diverged) showError("Training diverged: " + s.diverged);
  $("boundary").innerHTML = s.boundary;
  $("network").innerHTML = s.network;
  $("loss-chart").innerHTML = s.loss;
  $("command").textContent = s.command;
  if (selected) {
    const el = document.getElementById(selected);
    if (el) el.classList.add("selected");
  }
  showChain(s.chain, s);
}

// The selected parameter's chain rule for the next step, as the server computed it.
function showChain(c, s) {
  const box = $("chain");
  if (!c) {
    $("panel-title").textContent = "— pause and click a weight or a neuron";
    box.innerHTML = "";
    delete box.dataset.parameter;
    return;
  }
  const isWeight = c.from !== null;
  box.dataset.parameter = isWeight ? `w-${c.layer}-${c.neuron}-${c.from}` : `n-${c.layer}-${c.neuron}`;
  box.dataset.step = String(s.step);
  const sup = (n) => String(n).split("").map((d) => "⁰¹²³⁴⁵⁶⁷⁸⁹"[Number(d)]).join("");
  const prev = isWeight ? `a${sup(c.layer - 1)}[${c.from}]` : "1";
  const deltaName = `δ${sup(c.layer)}[${c.neuron}]`;
  $("panel-title").textContent = `— ${c.parameter}, in the next step (epoch ${c.epoch}, batch ${c.batch}${s.playing ? "; pause to read it" : ""})`;
  const head = c.output_layer
    ? `<th>sample</th><th>a</th><th>y</th><th>dLoss/da</th>${c.samples[0].da_dz === null ? "" : "<th>σ'(z)</th>"}<th>${deltaName}</th><th>${isWeight ? prev + " = dz/dW" : "dz/db"}</th><th>product</th>`
    : `<th>sample</th><th>dLoss/da = Σ W·δ (from the layer above)</th><th>σ'(z)</th><th>${deltaName}</th><th>${isWeight ? prev + " = dz/dW" : "dz/db"}</th><th>product</th>`;
  const rows = c.samples.map((x, i) => {
    const cells = c.output_layer
      ? [number(x.a, 6), number(x.target, 3), number(x.dloss_da, 6)].concat(x.da_dz === null ? [] : [number(x.da_dz, 6)])
      : [x.upstream.map(([w, d]) => `${number(w, 4)}·${number(d, 4)}`).join(" + ") + ` = ${number(x.dloss_da, 6)}`, number(x.da_dz, 6)];
    return `<tr><td>${c.batch_indices[i]}</td>${cells.map((v) => `<td>${v}</td>`).join("")}
      <td class="delta" data-value="${x.delta}">${number(x.delta, 6)}</td><td data-value="${x.dz_dparameter}">${number(x.dz_dparameter, 6)}</td>
      <td data-value="${x.product}">${number(x.product, 6)}</td></tr>`;
  }).join("");
  const decay = c.weight_decay
    ? `<p class="note">With L2 regularisation λ = ${c.weight_decay}, ${c.optimizer === "adam" ? "AdamW first shrinks W by η·λ·W" : "the optimizer adds λ·W"} = ${number(c.weight_decay_term, 6)} ${c.optimizer === "adam" ? "(times η)" : "to dLoss/dW"}.</p>` : "";
  const optimizer = c.optimizer === "sgd" ? ""
    : `<p class="note">This run uses ${c.optimizer}: it moves ${c.parameter} by its own rule from the same dLoss/d${isWeight ? "W" : "b"};
       the update above is the tutorial's plain gradient descent, as <code>backprop explain</code> shows it.</p>`;
  box.innerHTML = `
    <p class="formula">${c.parameter} = <span id="chain-value" data-value="${c.value}">${number(c.value, 8)}</span>
      ${isWeight ? `— the weight into neuron ${c.neuron} of layer ${c.layer} from neuron ${c.from} of layer ${c.layer - 1}` : `— the bias of neuron ${c.neuron} of layer ${c.layer}`}</p>
    <p class="formula">dLoss/d${c.parameter} = dLoss/da · da/dz · dz/d${isWeight ? "W" : "b"} = Σ over the batch of ${deltaName} · ${prev}</p>
    <p class="formula">${c.output_layer ? "output layer: " : "hidden layer: dLoss/da = (W" + sup(c.layer + 1) + ")ᵀ δ" + sup(c.layer + 1) + "; "}${c.delta_rule}
      ${c.reduction === "mean" ? `(mean loss: each δ carries 1/${c.samples.length})` : ""}</p>
    <table><tr>${head}</tr>${rows}</table>
    <p class="formula result">dLoss/d${c.parameter} = Σ products = <span id="chain-gradient" data-value="${c.gradient}">${number(c.gradient, 8)}</span></p>
    <p class="formula result">${c.parameter} ← ${c.parameter} − η · dLoss/d${c.parameter} = ${number(c.value, 8)} − ${c.learning_rate} × ${number(c.gradient, 8)}
      = <span id="chain-updated" data-value="${c.updated}">${number(c.updated, 8)}</span></p>
    ${decay}${optimizer}
    <details class="hint"><summary>The same numbers on the command line</summary>
      Save <a href="/export/${session}/model.json" download="model.json">model.json</a>, then run
      <code id="explain-command">${s.explainCommand} --parameter ${c.layer},${c.neuron}${isWeight ? "," + c.from : ""}</code></details>`;
}

wireControls();
connect();
