// The form of `saisie`: drawn from the description the server gives (from the content's
// JSON schemas), it edits a copy of the file's data, sends it to be checked at every
// change and shows the messages beside their fields, and saves it on request.
// Served from the package: no library, nothing fetched from the network.
"use strict";

const TOKEN = document.querySelector('meta[name="jeton"]').content;
const CHECK_DELAY_MS = 50;  // typing pauses this long before a check is asked
const root = document.getElementById("formulaire");
const file = root.dataset.fichier;
let loaded = null;   // the server's answer: description, digest…
let data = null;     // the data being edited
let checkTimer = null;     // set while a change waits for its check to be asked
let checkNumber = 0;
let lastChecked = null;  // the last check's answer, shown again when the fields are redrawn

function element(tag, attributes = {}, ...children) {
  const made = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "text") made.textContent = value;
    else if (name.startsWith("on")) made.addEventListener(name.slice(2), value);
    else made.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children) if (child) made.append(child);
  return made;
}

function idOf(path) { return "champ-" + (path.length ? path.join("-") : "racine"); }
function placeOf(path) { return path.filter(part => typeof part === "string").join("/"); }
function patternOf(path) { return path.map(part => typeof part === "number" ? "*" : part).join("/"); }

function get(path) {
  let value = data;
  for (const part of path) { if (value === null || value === undefined) return undefined; value = value[part]; }
  return value;
}

function set(path, value) {
  let parent = data;
  for (const part of path.slice(0, -1)) parent = parent[part];
  const last = path[path.length - 1];
  const added = !Array.isArray(parent) && !(last in parent);
  if (value === undefined) { if (Array.isArray(parent)) parent.splice(last, 1); else delete parent[last]; }
  else parent[last] = value;
  if (added && value !== undefined) inFormOrder(parent, describedAt(path.slice(0, -1)));
  changed();
}

// The description of the field at `path` (a list's items share their list's).
function describedAt(path) {
  let node = loaded.formulaire;
  for (const part of path) {
    if (!node) return null;
    node = typeof part === "number" ? node.element : (node.champs || []).find(f => f.cle === part);
  }
  return node;
}

// A key added to an object takes its place in the form's order (the schema's), which
// is where the save writes it in the file.
function inFormOrder(object, node) {
  if (!node || !node.champs) return;
  const known = node.champs.map(f => f.cle);
  const entries = Object.entries(object);
  const rank = key => known.includes(key) ? known.indexOf(key) : known.length;
  for (const [key] of entries) delete object[key];
  for (const [key, value] of entries.sort((a, b) => rank(a[0]) - rank(b[0]))) object[key] = value;
}

// --- drawing ---------------------------------------------------------------------

// The page's frame, drawn once: the fields inside it are drawn again after a change of
// shape (an item added, moved or removed), the status and results stay.
function frame() {
  const form = element("form", {novalidate: true, onsubmit: event => { event.preventDefault(); saveFile(); }});
  form.append(element("h1", {text: loaded.titre}));
  form.append(element("p", {class: "fichier", text: "Fichier : content/" + file}));
  form.append(element("div", {id: "bilan", role: "status", "aria-live": "polite"}));
  form.append(element("div", {id: "annonce", class: "lecteur", "aria-live": "polite"}));
  form.append(element("details", {id: "autres", class: "ailleurs", hidden: true},
    element("summary", {id: "autres-titre"}), element("ul", {id: "ailleurs"})));
  form.append(element("div", {id: "champs"}));
  form.append(element("div", {class: "actions"},
    element("button", {type: "submit", id: "enregistrer", text: "Enregistrer"}),
    element("a", {href: "/", text: "Retour à la liste des fichiers"})));
  form.append(element("div", {id: "resultat", role: "alert"}));
  root.replaceChildren(form);
}

function draw() {
  const focused = document.activeElement && document.activeElement.id;
  const fields = document.getElementById("champs");
  fields.replaceChildren(...loaded.formulaire.champs.map(field => drawField(field, [field.cle])));
  if (lastChecked) showMessages(lastChecked);
  if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
}

function hint(description, id) {
  return description ? element("p", {class: "aide", id: id + "-aide", text: description}) : document.createTextNode("");
}

function drawField(field, path) {
  const node = field;
  const label = field.etiquette + (field.requis && field.type !== "fixe" ? " (obligatoire)" : "");
  const value = get(path);
  const id = idOf(path);
  const box = element("div", {class: "champ", "data-chemin": path.join("/")});
  switch (node.type) {
    case "objet": return drawObject(node, path, label);
    case "liste": return drawList(node, path, label);
    case "cases": return drawTicks(node, path, label);
    case "effectifs": return drawCounts(node, path, label);
    case "point": return drawPoint(node, path, label);
    case "fixe": {
      const option = (node.options || []).find(o => o.valeur === value);
      box.append(element("p", {class: "fixe", id, text: label + " : " + (option ? option.libelle : value)}));
      return box;
    }
    case "choix": {
      box.append(element("label", {for: id, text: label}));
      const select = element("select", {id, "aria-describedby": node.aide ? id + "-aide" : null,
        onchange: () => {
          const chosen = node.options.find(o => String(o.valeur) === select.value);
          set(path, chosen ? chosen.valeur : (node.aucun || node.vide ? null : ""));
        }});
      if (node.aucun || node.vide || value === null || value === undefined)
        select.append(element("option", {value: "", text: node.aucun || "(à choisir)"}));
      for (const option of node.options) {
        select.append(element("option", {value: String(option.valeur), text: option.libelle,
                                         selected: option.valeur === value}));
      }
      box.append(select, hint(node.aide, id));
      return box;
    }
    default: {
      box.append(element("label", {for: id, text: label}));
      const long = node.type === "texte_long";
      const input = element(long ? "textarea" : "input", {
        id, rows: long ? 2 : null,
        type: long ? null : ({entier: "number", date: "date"}[node.type] || "text"),
        min: node.min, max: node.max, step: node.type === "entier" ? 1 : null,
        "aria-describedby": node.aide ? id + "-aide" : null,
        oninput: () => set(path, readInput(node, input.value))});
      input.value = value === null || value === undefined ? "" : String(value);
      box.append(input, hint(node.aide, id));
      return box;
    }
  }
}

function readInput(node, text) {
  if (text.trim() === "") return null;
  if (node.type === "entier") { const number = Number(text); return Number.isInteger(number) ? number : text; }
  return text;
}

function drawObject(node, path, label) {
  const value = get(path);
  const group = element("fieldset", {class: "objet", "data-chemin": path.join("/"), id: idOf(path)});
  group.append(element("legend", {text: label}), hint(node.aide, idOf(path)));
  if (value === null || value === undefined) {
    group.append(element("button", {type: "button", id: idOf(path) + "-remplir", text: "Remplir « " + label + " »",
      onclick: () => { set(path, {}); draw(); focusFirst(path); }}));
    return group;
  }
  for (const field of node.champs) group.append(drawField(field, [...path, field.cle]));
  return group;
}

function itemName(node, index) { return node.nom + " " + (index + 1); }

function drawList(node, path, label) {
  let values = get(path);
  const group = element("fieldset", {class: "liste", "data-chemin": path.join("/"), id: idOf(path)});
  group.append(element("legend", {text: label}), hint(node.aide, idOf(path)));
  const list = element("ol");
  (Array.isArray(values) ? values : []).forEach((_, index) => {
    const itemPath = [...path, index];
    const name = itemName(node, index);
    const item = element("li", {class: "element"});
    const field = {...node.element, etiquette: name};
    const drawn = drawField(field, itemPath);
    item.append(drawn);
    const buttons = element("div", {class: "boutons"});
    const move = (by) => () => {
      const all = get(path); const [moved] = all.splice(index, 1); all.splice(index + by, 0, moved);
      changed(); draw();
      // the focus follows the item: on the same button, or the other one at an end
      const movedId = idOf([...path, index + by]);
      const order = by < 0 ? ["-monter", "-descendre"] : ["-descendre", "-monter"];
      [...order, "-retirer"].map(end => document.getElementById(movedId + end)).find(Boolean).focus();
      announce("Déplacement " + (by < 0 ? "vers le haut" : "vers le bas") + " : " + name + " devient " + itemName(node, index + by) + ".");
    };
    if (index > 0) buttons.append(element("button", {type: "button", id: idOf(itemPath) + "-monter",
      "aria-label": "Monter : " + name, text: "Monter", onclick: move(-1)}));
    if (index < values.length - 1) buttons.append(element("button", {type: "button", id: idOf(itemPath) + "-descendre",
      "aria-label": "Descendre : " + name, text: "Descendre", onclick: move(1)}));
    buttons.append(element("button", {type: "button", id: idOf(itemPath) + "-retirer", class: "retirer",
      "aria-label": "Retirer : " + name, text: "Retirer",
      onclick: () => { get(path).splice(index, 1); changed(); draw();
        document.getElementById(idOf(path) + "-ajouter").focus(); announce("Retrait : " + name + "."); }}));
    drawn.append(buttons);  // inside the item's frame: they are about it
    list.append(item);
  });
  group.append(list);
  group.append(element("button", {type: "button", id: idOf(path) + "-ajouter", class: "ajouter", text: node.ajouter,
    onclick: () => {
      if (!Array.isArray(get(path))) set(path, []);
      const all = get(path);
      all.push(emptyValue(node.element));
      changed(); draw(); focusFirst([...path, all.length - 1]);
      announce("Ajout : " + itemName(node, all.length - 1) + ".");
    }}));
  return group;
}

function focusFirst(path) {
  const box = document.querySelector(`[data-chemin="${path.join("/")}"]`);
  const target = box && box.querySelector("input, textarea, select, button");
  if (target) target.focus();
}

function emptyValue(node) {
  if (node.type === "point") return "";
  if (node.type === "objet") {
    const made = {};
    for (const field of node.champs) {
      if (!field.requis) continue;
      // a choice starts unchosen (« (à choisir) »): the first one would pass unnoticed
      made[field.cle] = field.type === "liste" || field.type === "cases" ? [] : field.type === "objet" ? {} : null;
    }
    return made;
  }
  return "";
}

function drawTicks(node, path, label) {
  const value = get(path);
  const id = idOf(path);
  const group = element("fieldset", {class: "cases", "data-chemin": path.join("/"), id});
  group.append(element("legend", {text: label}), hint(node.aide, id));
  let options = node.options || [];
  if (node.source) {
    const labels = (data[node.source.split("/")[0]] || []).map(v => v && v.libelle).filter(Boolean);
    options = labels.map(text => ({valeur: text, libelle: text}));
    if (!options.length) group.append(element("p", {class: "aide", text: "Ajoutez d'abord des thèmes votés."}));
  }
  if (node.vide) {
    const unknown = element("input", {type: "checkbox", id: id + "-non-renseigne", checked: value === null || value === undefined,
      onchange: () => { set(path, unknown.checked ? null : []); draw(); }});
    group.append(element("div", {class: "case"}, unknown,
      element("label", {for: id + "-non-renseigne", text: "Non renseigné"})));
  }
  const chosen = Array.isArray(value) ? value : [];
  options.forEach((option, index) => {
    const boxId = id + "-" + index;
    const tick = element("input", {type: "checkbox", id: boxId, checked: chosen.includes(option.valeur),
      onchange: () => {
        const now = Array.isArray(get(path)) ? get(path) : [];
        const next = options.map(o => o.valeur).filter(v => v === option.valeur ? tick.checked : now.includes(v));
        // ids the list of choices does not know stay, after the known ones
        set(path, [...next, ...now.filter(v => !options.some(o => o.valeur === v))]);
        const unknown = document.getElementById(id + "-non-renseigne");
        if (unknown) unknown.checked = false;
      }});
    group.append(element("div", {class: "case"}, tick, element("label", {for: boxId, text: option.libelle})));
  });
  for (const unknownValue of chosen.filter(v => !options.some(o => o.valeur === v)))
    group.append(element("p", {class: "inconnu", text: "Valeur du fichier hors des choix : « " + unknownValue + " »"}));
  return group;
}

function drawCounts(node, path, label) {
  const id = idOf(path);
  const group = element("fieldset", {class: "effectifs", "data-chemin": path.join("/"), id});
  group.append(element("legend", {text: label}), hint(node.aide, id));
  const value = get(path) || {};
  for (const option of node.options) {
    const fieldId = id + "-" + option.valeur;
    const input = element("input", {type: "number", min: 0, step: 1, id: fieldId,
      oninput: () => {
        const counts = {...(get(path) || {})};
        const read = readInput({type: "entier"}, input.value);
        if (read === null) delete counts[option.valeur]; else counts[option.valeur] = read;
        set(path, Object.keys(counts).length || get(path) ? counts : undefined);
      }});
    input.value = value[option.valeur] ?? "";
    group.append(element("div", {class: "champ", "data-chemin": [...path, option.valeur].join("/")},
      element("label", {for: fieldId, text: option.libelle}), input));
  }
  return group;
}

// A point: a text alone, or a text with sub-points (and, for a suggestion, an id).
function drawPoint(node, path, label) {
  const value = get(path);
  const asObject = value !== null && typeof value === "object";
  const text = asObject ? value.texte : value;
  const id = idOf(path);
  const group = element("fieldset", {class: "point", "data-chemin": path.join("/"), id: id + "-groupe"});
  group.append(element("legend", {text: label}));
  const area = element("textarea", {id, rows: 2, "aria-label": label + " : texte",
    oninput: () => {
      const current = get(path);
      const typed = area.value.trim() === "" ? null : area.value;
      if (current !== null && typeof current === "object") { current.texte = typed; changed(); }
      else set(path, typed === null ? "" : typed);
    }});
  area.value = text === null || text === undefined ? "" : String(text);
  group.append(element("div", {class: "champ", "data-chemin": asObject ? [...path, "texte"].join("/") : path.join("/")}, area));
  const toObject = () => { const current = get(path); if (current === null || typeof current !== "object") set(path, {texte: current === "" ? null : current}); };
  const fields = Object.fromEntries(node.champs.map(f => [f.cle, f]));
  if (asObject && (Array.isArray(value.sous_points) && value.sous_points.length || fields.sous_points && "sous_points" in value)) {
    group.append(drawList({...fields.sous_points}, [...path, "sous_points"], "Sous-points"));
  } else {
    group.append(element("button", {type: "button", id: id + "-sous-points", class: "ajouter",
      text: "Ajouter des sous-points", "aria-label": "Ajouter des sous-points : " + label,
      onclick: () => { toObject(); get(path).sous_points = [""]; changed(); draw(); focusFirst([...path, "sous_points", 0]); }}));
  }
  if (fields.id && (asObject && value.id !== undefined && value.id !== null || placeOf(path).endsWith("suggestions"))) {
    if (asObject && "id" in value) {
      group.append(drawField({...fields.id, etiquette: LABEL_ID}, [...path, "id"]));
    } else {
      group.append(element("button", {type: "button", id: id + "-identifiant", class: "discret",
        text: "Donner un identifiant (pour le suivi)", "aria-label": "Donner un identifiant : " + label,
        onclick: () => { toObject(); get(path).id = null; changed(); draw(); document.getElementById(idOf([...path, "id"])).focus(); }}));
    }
  }
  return group;
}
const LABEL_ID = "Identifiant (pour le suivi à l'édition suivante)";

// What a button did, said by screen readers (the focus moves to the new place).
function announce(message) {
  const said = document.getElementById("annonce");
  said.textContent = "";
  setTimeout(() => { said.textContent = message; }, 50);
}

// --- checking --------------------------------------------------------------------

// The status is busy from a change until its check is shown: its messages move the fields
// below them, so whoever clicks (a person or a test) knows when the page stands still.
function changed() {
  clearTimeout(checkTimer);
  checkTimer = setTimeout(() => { checkTimer = null; checkFile(); }, CHECK_DELAY_MS);
  document.getElementById("bilan").setAttribute("aria-busy", "true");
}

async function post(path, body) {
  return fetch(path, {method: "POST", headers: {"Content-Type": "application/json", "X-Jeton-Session": TOKEN},
                      body: JSON.stringify(body)});
}

async function checkFile() {
  const number = ++checkNumber;
  const answer = await post("/api/verifier", {fichier: file, empreinte: loaded.empreinte, donnees: data});
  const checked = answer.ok ? await answer.json() : {ici: [], ailleurs: [await answer.text()]};
  if (number !== checkNumber) return;  // a newer check is on its way
  showMessages(checked);
  if (checkTimer === null) document.getElementById("bilan").removeAttribute("aria-busy");
}

function showMessages(checked) {
  lastChecked = checked;
  for (const old of document.querySelectorAll(".message")) old.remove();
  for (const field of document.querySelectorAll("[aria-invalid]")) {
    field.removeAttribute("aria-invalid");
    const described = (field.getAttribute("aria-describedby") || "").split(" ").filter(id => !id.endsWith("-message"));
    if (described.length) field.setAttribute("aria-describedby", described.join(" ")); else field.removeAttribute("aria-describedby");
  }
  const general = [];
  let problems = 0, warnings = 0;
  checked.ici.forEach((found, index) => {
    if (found.avertissement) warnings++; else problems++;
    const box = found.chemin ? boxFor(found.chemin) : null;
    if (!box) { general.push(found); return; }
    const messageId = "message-" + index + "-message";
    const message = element("p", {class: "message" + (found.avertissement ? " avertissement" : ""), id: messageId,
      text: (found.avertissement ? "Avertissement : " : "") + found.message});
    const field = box.matches("input, textarea, select") ? box : box.querySelector("input, textarea, select");
    if (box.tagName === "FIELDSET") box.querySelector("legend").after(message); else box.append(message);
    if (field && !found.avertissement) {
      field.setAttribute("aria-invalid", "true");
      field.setAttribute("aria-describedby", ((field.getAttribute("aria-describedby") || "") + " " + messageId).trim());
    }
  });
  const elsewhere = document.getElementById("ailleurs");
  elsewhere.replaceChildren(...general.map(found => element("li", {class: found.avertissement ? "avertissement" : "",
    text: (found.avertissement ? "Avertissement : " : "") + found.message})),
    ...checked.ailleurs.map(text => element("li", {text})));
  const others = document.getElementById("autres");
  others.hidden = !elsewhere.children.length;
  document.getElementById("autres-titre").textContent = "Problèmes ailleurs que dans les champs de ce fichier (" + elsewhere.children.length + ")";
  const status = document.getElementById("bilan");
  const total = problems;
  status.textContent = (total === 0 ? "Aucun problème." :
    total + (total > 1 ? " problèmes à corriger." : " problème à corriger.")) +
    (warnings ? " " + warnings + (warnings > 1 ? " avertissements." : " avertissement.") : "");
  status.className = total ? "bilan a-corriger" : "bilan";
  root.dataset.verifie = String(checkNumber);
}

function boxFor(path) {
  const parts = path.map(String);
  while (parts.length) {
    const box = document.querySelector(`[data-chemin="${CSS.escape(parts.join("/"))}"]`);
    if (box) return box;
    parts.pop();
  }
  return null;
}

// --- saving ----------------------------------------------------------------------

async function saveFile(overwrite = null) {
  const result = document.getElementById("resultat");
  result.replaceChildren(element("p", {text: "Enregistrement…"}));
  const answer = await post("/api/enregistrer", {fichier: file, empreinte: overwrite || loaded.empreinte, donnees: data});
  if (answer.status === 409) { showConflict(await answer.json()); return; }
  if (!answer.ok) {
    const body = answer.headers.get("Content-Type").startsWith("application/json") ? (await answer.json()).erreur : await answer.text();
    result.replaceChildren(element("p", {class: "erreur", text: "Rien n'a été enregistré : " + body}));
    return;
  }
  const saved = await answer.json();
  loaded.empreinte = saved.empreinte;
  const told = element("p", {class: "enregistre", text: `Enregistré à ${saved.heure}.`});
  if (saved.apercu) told.append(" L'aperçu se met à jour : ",
    element("a", {href: saved.apercu, target: "_blank", rel: "noopener", text: saved.apercu}));
  result.replaceChildren(told);
  showMessages(saved.controle);
}

function showConflict(conflict) {
  const result = document.getElementById("resultat");
  result.replaceChildren(
    element("h2", {text: "Le fichier a changé sur le disque"}),
    element("p", {text: "Il a été enregistré ailleurs (dans un éditeur de texte ?) depuis l'ouverture du formulaire : rien n'a été enregistré, et vos saisies sont toujours là. Comparez les deux versions, puis choisissez."}),
    element("div", {class: "versions"},
      element("section", {}, element("h3", {text: "Version du disque"}), element("pre", {class: "disque", tabindex: 0, text: conflict.disque})),
      element("section", {}, element("h3", {text: "Version du formulaire"}), element("pre", {class: "formulaire", tabindex: 0, text: conflict.formulaire}))),
    element("div", {class: "choix-conflit"},
      element("button", {type: "button", id: "remplacer", text: "Enregistrer la version du formulaire (remplace celle du disque)",
        onclick: () => saveFile(conflict.empreinte_disque)}),
      element("button", {type: "button", id: "recharger", text: "Reprendre la version du disque (abandonne vos saisies)",
        onclick: () => load()})));
  result.querySelector("h2").setAttribute("tabindex", "-1");
  result.querySelector("h2").focus();
}

async function load() {
  const answer = await fetch("/api/fichier?fichier=" + encodeURIComponent(file), {cache: "no-store"});
  if (!answer.ok) { root.replaceChildren(element("p", {class: "erreur", role: "alert", text: await answer.text()})); return; }
  loaded = await answer.json();
  if (loaded.illisible) {
    root.replaceChildren(element("h1", {text: loaded.titre}),
      element("p", {class: "erreur", role: "alert", text: "Le fichier n'est pas lisible : corrigez-le d'abord dans un éditeur de texte."}),
      element("ul", {}, ...loaded.illisible.map(text => element("li", {text}))));
    return;
  }
  data = loaded.donnees;
  lastChecked = null;
  frame();
  draw();
  showMessages(loaded.controle);
  root.dataset.pret = "oui";
}

document.addEventListener("keydown", event => {
  if ((event.ctrlKey || event.metaKey) && event.key === "s") { event.preventDefault(); saveFile(); }
});
load();
