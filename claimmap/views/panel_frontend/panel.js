/* The sourcing panel below a place's heading: one Streamlit element (an st.components.v2
   component) instead of a few hundred, so that a slider step redraws it in one pass and the map
   beside it is not kept waiting. `data` comes from claimmap.views.panel.panel_data; every string
   in it is table text and goes into the page as text (textContent), never as markup. A click on a
   claim id sends it back as the trigger value "select". */

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) { node.className = className; }
  if (text !== undefined) { node.textContent = text; }
  return node;
}

function claimButton(id, text, className, title) {
  const button = el("button", className, text);
  button.type = "button";
  button.dataset.claim = id;
  button.title = title;
  return button;
}

function labelled(label, text) {
  const line = el("span", "cm-line-text");
  line.append(el("strong", "", label + ":"), " " + text);
  return line;
}

/* "LABEL:" then one button per claim id. */
function idRow(className, label, ids) {
  const row = el("div", className);
  row.append(el("span", "cm-label", label + ":"));
  ids.forEach((id) => row.append(claimButton(id, id, "cm-id", "Select claim " + id)));
  return row;
}

function card(c) {
  const box = el("section", "cm-card" + (c.selected ? " selected" : ""));
  box.dataset.claim = c.id;
  const badges = el("div", "cm-badges");
  c.badges.forEach(([label, tone]) => badges.append(el("span", "cm-badge tone-" + tone, label)));
  const heading = el("p", "cm-heading");
  if (c.selected) {
    const lead = el("strong", "", "▶ Selected claim ");
    lead.append(el("code", "", c.id), ":");
    heading.append(lead, " " + c.statement);
  } else {
    heading.append(el("strong", "", c.statement));
  }
  const quote = el("blockquote", "cm-quote");
  quote.append(c.before, el("mark", "", c.quote), c.after);
  const details = el("p", "cm-details");
  c.lines.forEach(([label, text], i) => {
    if (i) { details.append(el("br")); }
    details.append(labelled(label, text));
  });
  box.append(badges, heading, el("p", "cm-meta", c.meta), quote, details);
  if (!c.selected || c.contradicted_by.length) {
    const actions = el("div", "cm-actions");
    if (!c.selected) {
      actions.append(claimButton(c.id, "Select " + c.id, "cm-open",
        "Select claim " + c.id + ": its whole evidence, here and on every view"));
    }
    if (c.contradicted_by.length) { actions.append(idRow("cm-contradicted", "Contradicted by", c.contradicted_by)); }
    box.append(actions);
  }
  return box;
}

function panel(data, open) {
  const parts = [];
  if (data.status) {
    const status = el("p", "cm-status");
    status.append(el("strong", "", "Status claimed on " + data.day + ":"), " " + data.status);
    parts.push(status);
  }
  if (data.sides.length) {
    parts.push(el("h4", "", "Sources disagree"));
    data.sides.forEach((side) => parts.push(idRow("cm-side", side.line, side.ids)));
    const why = el("p", "cm-why");
    why.append(el("strong", "", "Why they conflict:"), " " + data.reasons);
    parts.push(why);
  }
  if (data.selected) { parts.push(card(data.selected)); }
  parts.push(el("h4", "", "Claims holding on " + data.day + " (" + data.holding_total + ")"));
  data.holding.forEach((c) => parts.push(card(c)));
  data.folded.forEach((fold) => {
    const details = el("details", "cm-fold");
    details.dataset.fold = fold.title.split(" ")[0];
    details.open = open.has(details.dataset.fold);
    details.append(el("summary", "", fold.title));
    fold.lines.forEach((line) => {
      const row = el("div", "cm-claim-line");
      row.dataset.claim = line.id;
      row.append(claimButton(line.id, line.id, "cm-id", "Select claim " + line.id), " " + line.text);
      details.append(row);
    });
    parts.push(details);
  });
  return parts;
}

export default function (component) {
  const { parentElement, data, setTriggerValue } = component;
  let root = parentElement.querySelector(".cm-panel");
  if (!root) {
    root = el("div", "cm-panel");
    parentElement.append(root);
    root.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-claim]");
      if (button) { root.select("select", button.dataset.claim); }
    });
  }
  root.select = setTriggerValue; // the latest render's, for the one click listener
  // A folded list the reader opened stays open when the day or the selection changes.
  const open = new Set([...root.querySelectorAll("details[open]")].map((d) => d.dataset.fold));
  root.replaceChildren(...panel(data, open));
}
