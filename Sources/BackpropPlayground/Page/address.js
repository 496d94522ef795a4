// The page's address holds every setting (#data=spiral&hidden=8,8&…), so that a link or a
// reload brings the page back. Loaded before playground.js, whose globals (settings, speed,
// send, showError, FLAGS…) these functions use when they run.
"use strict";

const LISTS = ["hidden", "activations", "features"], FLAGS = ["showTest", "discretize", "edgesByGradient"];
const KEYS = ["data", "samples", "noise", "testSplit", "dataSeed", "features", "hidden", "activations", "output", "loss",
              "optimizer", "learningRate", "batch", "weightDecay", "l1", "dropout", "scale", "seed", "showTest", "discretize", "edgesByGradient"];

function addressOf(s) {
  const parts = KEYS.filter((k) => !(k === "data" && s.data === "csv")).map((k) => {
    const v = s[k];
    return `${k}=${encodeURIComponent(Array.isArray(v) ? v.join(",") : String(v))}`;
  });
  return "#" + parts.concat([`speed=${speed}`]).join("&");
}

function parseAddress(hash) {
  const change = {};
  let wantedSpeed = null;
  for (const part of hash.replace(/^#/, "").split("&")) {
    const [key, raw] = part.split("=");
    if (raw === undefined) continue;
    const value = decodeURIComponent(raw);
    if (key === "speed") { wantedSpeed = value; continue; }
    if (!KEYS.includes(key)) continue;
    if (LISTS.includes(key)) change[key] = value === "" ? [] : value.split(",").map((x) => (key === "hidden" ? Number(x) : x));
    else if (FLAGS.includes(key)) change[key] = value === "true";
    else if (["data", "output", "loss", "optimizer", "scale"].includes(key)) change[key] = value;
    else change[key] = value.trim() !== "" && Number.isFinite(Number(value)) ? Number(value) : value;   // the server names a bad value
  }
  return { change, wantedSpeed };
}

function restoreFromAddress() {
  if (!initialAddress || initialAddress === "#") { writeAddress(); $("speed").value = String(speed); return; }
  applyAddress(initialAddress);
}

// The settings of an address: all at once, or when the server refuses one, each on its own so
// that one bad key does not cost the others (the refusal names it).
function applyAddress(address) {
  const { change, wantedSpeed } = parseAddress(address);
  addressErrors = null;
  if (Object.keys(change).length) {
    pendingAddress = change;
    send(Object.assign({ type: "configure" }, change));
  }
  if (wantedSpeed !== null) {
    const v = Number(wantedSpeed);
    if (wantedSpeed.trim() !== "" && Number.isFinite(v)) { speed = v; send({ type: "speed", epochsPerSecond: v }); }
    else showError(`speed: '${wantedSpeed}' is not a number of epochs per second`);
  }
  $("speed").value = String(speed);
}

function applyKeysOneByOne(change) {
  const groups = [["data"], ["samples"], ["noise"], ["testSplit"], ["dataSeed"], ["features"], ["hidden", "activations"], ["output"], ["loss"],
                  ["optimizer"], ["learningRate"], ["batch"], ["weightDecay"], ["l1"], ["dropout"], ["scale"], ["seed"], FLAGS];
  for (const keys of groups) {
    const part = {};
    for (const k of keys) if (k in change) part[k] = change[k];
    if (Object.keys(part).length) send(Object.assign({ type: "configure" }, part));
  }
}

function writeAddress() {
  if (!settings) return;
  const address = addressOf(settings);
  if (location.hash !== address) history.replaceState(null, "", address);
  $("share").href = address;
}

