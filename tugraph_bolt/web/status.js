// The status page: fetch /cluster, draw the members table, repeat. No framework, no build.
"use strict";

const REFRESH_MS = 2000;

function text(id, value) {
  document.getElementById(id).textContent = value;
}

function cell(row, value, cls) {
  const td = document.createElement("td");
  if (cls) td.className = cls;
  td.textContent = value;
  row.appendChild(td);
  return td;
}

function render(doc) {
  const leader = doc.members.find((m) => m.is_leader);
  text("leader", leader ? `node ${leader.node_id} (${leader.ip}:${leader.bolt_port})`
                        : "none known");
  text("term", doc.term);
  text("self", `node ${doc.node_id} (${doc.role})`);
  text("indexes", `${doc.commit} / ${doc.applied}`);
  text("ready", doc.ready ? "yes" : `no: ${doc.reason}`);
  const body = document.querySelector("#members tbody");
  body.replaceChildren();
  for (const m of doc.members) {
    const row = document.createElement("tr");
    row.className = m.role + (m.lag === null ? " unknown" : "");
    row.dataset.nodeId = m.node_id;
    const who = cell(row, `node ${m.node_id}`);
    if (m.node_id === doc.node_id) who.textContent += " (this node)";
    const role = cell(row, "");
    const badge = document.createElement("span");
    badge.className = "badge";
    badge.textContent = m.role;
    role.appendChild(badge);
    cell(row, `${m.ip}:${m.bolt_port}`);
    cell(row, m.raft_port === null ? "-" : m.raft_port);
    cell(row, m.lag === null ? "unknown" : m.lag, "lag");
    body.appendChild(row);
  }
  text("error", "");
  text("updated", new Date().toLocaleTimeString());
}

async function refresh() {
  try {
    const response = await fetch("/cluster", { cache: "no-store" });
    if (!response.ok) throw new Error(`/cluster answered ${response.status}`);
    render(await response.json());
  } catch (err) {
    text("error", `cannot read /cluster: ${err.message}`);
  } finally {
    setTimeout(refresh, REFRESH_MS);
  }
}

text("interval", REFRESH_MS / 1000);
refresh();
