// The hand-by-hand panel: the selected parameter's chain rule for the next step, as the server
// computed it, and "Quiz me" (its numbers hidden, asked one at a time, checked by the server).
// Uses playground.js's $, number, factor and send.

// ---- quiz me: the chain's numbers hidden, asked one at a time, checked by the server ------------

let quiz = null;     // { questions: [{id, symbol}], index, right, about }

function startQuiz(message) {
  quiz = { questions: message.questions, index: 0, right: 0, about: message.about };
  $("chain").hidden = true;                 // the panel's numbers are the answers
  askQuiz();
}

function askQuiz() {
  const q = quiz.questions[quiz.index];
  $("quiz").hidden = false;
  $("quiz").innerHTML = `<p class="hint">${escapeHTML(quiz.about)} Question ${quiz.index + 1} of ${quiz.questions.length}.</p>
    <p class="formula">${escapeHTML(q.symbol)} = <input id="quiz-answer" size="12" autocomplete="off">
      <button id="quiz-check">Check</button> <button id="quiz-stop">Stop</button></p><div id="quiz-feedback"></div>`;
  $("quiz-answer").focus();
  $("quiz-answer").onkeydown = (e) => { if (e.key === "Enter") checkQuiz(); };
  $("quiz-check").onclick = checkQuiz;
  $("quiz-stop").onclick = endQuiz;
}

function checkQuiz() {
  const text = $("quiz-answer").value.trim().replace("−", "-");
  const value = Number(text);
  if (text === "" || !Number.isFinite(value)) { $("quiz-feedback").textContent = "type a number, e.g. 0.1385"; return; }
  send({ type: "quizAnswer", id: quiz.questions[quiz.index].id, value });
}

function showQuizResult(r) {
  if (!quiz) return;
  if (r.correct) quiz.right += 1;
  const last = quiz.index + 1 === quiz.questions.length;
  $("quiz-feedback").innerHTML = (r.correct ? `<p class="quiz-right">✓ right</p>`
      : `<p class="quiz-wrong">✗ not ${escapeHTML($("quiz-answer").value)}${r.mistake ? ` — likely mistake (<code>${r.mistake}</code>): ${escapeHTML(r.explanation)}` : ""}</p>`)
    + `<p class="formula">${escapeHTML(r.working)}</p>`
    + (last ? `<p><b>${quiz.right} of ${quiz.questions.length} right.</b> <button id="quiz-next">Show the panel</button></p>`
            : `<p><button id="quiz-next">Next</button></p>`);
  $("quiz-check").disabled = true;
  $("quiz-answer").disabled = true;
  $("quiz-next").onclick = () => { if (last) endQuiz(); else { quiz.index += 1; askQuiz(); } };
  $("quiz-next").focus();
}

function endQuiz() {
  quiz = null;
  $("quiz").hidden = true;
  $("quiz").innerHTML = "";
  $("chain").hidden = false;
}

function escapeHTML(text) {
  return String(text).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}

// The selected parameter's chain rule for the next step, as the server computed it.
function showChain(c, s) {
  const box = $("chain");
  $("quiz-start").hidden = !c;
  if (!c) {
    $("panel-title").textContent = "— click a weight or a neuron";
    box.innerHTML = "";
    delete box.dataset.parameter;
    return;
  }
  const isWeight = c.from !== null;
  const id = isWeight ? `w-${c.layer}-${c.neuron}-${c.from}` : `n-${c.layer}-${c.neuron}`;
  const editing = box.dataset.parameter === id && document.activeElement === $("edit-value") ? $("edit-value").value : null;
  box.dataset.parameter = id;
  box.dataset.step = String(s.step);
  const sup = (n) => String(n).split("").map((d) => "⁰¹²³⁴⁵⁶⁷⁸⁹"[Number(d)]).join("");
  const prev = isWeight ? `a${sup(c.layer - 1)}[${c.from}]` : "1";
  const deltaName = `δ${sup(c.layer)}[${c.neuron}]`;
  $("panel-title").textContent = `— ${c.parameter}, in the next step (epoch ${c.epoch}, batch ${c.batch}${s.playing ? "; pause to read it" : ""})`;
  const softmax = c.output_layer && c.samples[0].dloss_da === null;
  const fused = c.output_layer && c.samples[0].da_dz === null;      // σ' cancels (softmax or sigmoid with cross-entropy): δ = a − y
  const masked = c.samples[0].mask !== null;
  const head = c.output_layer
    ? `<th>sample</th><th>a</th><th>y</th>${softmax ? "" : "<th>dLoss/da</th>"}${c.samples[0].da_dz === null ? "" : "<th>σ'(z)</th>"}<th>${deltaName}${fused ? (c.reduction === "mean" ? ` = (a − y)/${c.samples.length}` : " = a − y") : ""}</th><th>${isWeight ? prev + " = dz/dW" : "dz/db"}</th><th>product</th>`
    : `<th>sample</th><th>dLoss/da${masked ? "'" : ""} = Σ W·δ (from the layer above)</th><th>σ'(z)</th>${masked ? "<th>dropout m</th>" : ""}<th>${deltaName}</th><th>${isWeight ? prev + " = dz/dW" : "dz/db"}</th><th>product</th>`;
  const rows = c.samples.map((x, i) => {
    const cells = c.output_layer
      ? [number(x.a, 6), number(x.target, 3)].concat(softmax ? [] : [number(x.dloss_da, 6)]).concat(x.da_dz === null ? [] : [number(x.da_dz, 6)])
      : [x.upstream.map(([w, d]) => `<span class="term">${factor(w)}·${factor(d)}</span>`).join(" + ") + ` = <span class="term">${number(x.dloss_da, 6)}</span>`, number(x.da_dz, 6)]
        .concat(masked ? [x.mask === 0 ? "0 (dropped)" : number(x.mask, 4)] : []);
    return `<tr><td>${c.batch_indices[i]}</td>${cells.map((v, k) => `<td${!c.output_layer && k === 0 ? ' class="upstream"' : ""}>${v}</td>`).join("")}
      <td class="delta" data-value="${x.delta}">${number(x.delta, 6)}</td><td data-value="${x.dz_dparameter}">${number(x.dz_dparameter, 6)}</td>
      <td data-value="${x.product}">${number(x.product, 6)}</td></tr>`;
  }).join("");
  const u = c.update;
  box.innerHTML = `
    <p class="formula">${c.parameter} = <span id="chain-value" data-value="${c.value}">${number(c.value, 8)}</span>
      ${isWeight ? `— the weight into neuron ${c.neuron} of layer ${c.layer} from neuron ${c.from} of layer ${c.layer - 1}` : `— the bias of neuron ${c.neuron} of layer ${c.layer}`}</p>
    <p class="formula">dLoss/d${c.parameter} = dLoss/da · da/dz · dz/d${isWeight ? "W" : "b"} = Σ over the batch of ${deltaName} · ${prev}</p>
    <p class="formula">${c.output_layer ? "output layer: " : "hidden layer: dLoss/da" + (masked ? "'" : "") + " = (W" + sup(c.layer + 1) + ")ᵀ δ" + sup(c.layer + 1) + "; "}${c.delta_rule}
      ${c.reduction === "mean" ? `(mean loss: each δ carries 1/${c.samples.length})` : ""}</p>
    <table><tr>${head}</tr>${rows}</table>
    <p class="formula result">dLoss/d${c.parameter} = Σ products = <span id="chain-gradient" data-value="${c.gradient}">${number(c.gradient, 8)}</span></p>
    ${c.update_lines.map((line) => `<p class="formula">${escapeHTML(line)}</p>`).join("")}
    <p class="formula result">${u.optimizer}${u.weight_decay ? `, λ = ${u.weight_decay}` : ""}${u.l1 ? `, λ₁ = ${u.l1}` : ""}: ${c.parameter} ←
      <span id="chain-updated" data-value="${c.updated}">${number(c.updated, 8)}</span> (in double precision, as <code>backprop explain</code>)</p>
    <p class="formula after">after <b>step</b>, training (Float32) gives ${c.parameter} = <b id="chain-after" data-value="${c.after_step}">${c.after_step}</b></p>
    <p class="edit">Set ${c.parameter} by hand: <input id="edit-value" type="number" step="any" value="${editing ?? number(c.value, 6)}"> <button id="edit-set">set</button>
      <span class="hint">(pauses; the export then says why the command line cannot replay it)</span></p>
    <details class="hint"><summary>The same numbers on the command line</summary>
      Save <a href="/export/${session}/checkpoint.json" download="checkpoint.json">checkpoint.json</a> (the network and the optimizer's state), then run
      <code id="explain-command">${s.explainCommand} --parameter ${c.layer},${c.neuron}${isWeight ? "," + c.from : ""}</code></details>`;
}
