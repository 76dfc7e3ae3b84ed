// Live status for uploads and drafts. The pages work without this script (plain forms and reloads);
// with it, uploads go through the JSON API and statuses update in place and are announced to screen readers.
(function () {
  "use strict";
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const announcer = document.getElementById("announcer");
  const RUNNING = ["queued", "processing", "rendering"];

  function announce(text) {
    announcer.textContent = "";
    window.setTimeout(() => { announcer.textContent = text; }, 50);
  }

  // A status change that reloads the page is said again on the new page: said only before the reload, it
  // is cut off with the page that said it.
  const CARRIED = "kansli-announce";
  function announceAndReload(text) {
    try { window.sessionStorage.setItem(CARRIED, text); } catch (e) { /* storage refused: said once */ }
    announce(text);
    window.location.reload();
  }
  try {
    const carried = window.sessionStorage.getItem(CARRIED);
    if (carried) {
      window.sessionStorage.removeItem(CARRIED);
      announce(carried);
    }
  } catch (e) { /* no storage: nothing was carried */ }

  function showError(text) {
    const p = document.createElement("p");
    p.className = "flash error";
    p.setAttribute("role", "alert");
    p.textContent = text;
    document.getElementById("innehall").prepend(p);
  }

  // ---- a form sent back with errors: the summary takes focus, its links move focus to each control ----
  const summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", (event) => {
      const link = event.target.closest("a[href^='#']");
      const control = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!control) return;
      event.preventDefault();
      const label = control.labels && control.labels[0];
      (label || control).scrollIntoView({block: "center"});
      control.focus({preventScroll: true});
    });
  }

  // ---- document list: rows, uploads, polling ----
  const table = document.getElementById("documents");
  const rowTemplate = document.getElementById("document-row");

  function rowFor(doc) {
    let row = table.querySelector(`tr[data-document="${doc.id}"]`);
    if (!row) {
      row = rowTemplate.content.firstElementChild.cloneNode(true);
      row.dataset.document = doc.id;
      table.tBodies[0].prepend(row);
      table.hidden = false;
      const empty = document.getElementById("no-documents");
      if (empty) empty.remove();
    }
    return row;
  }

  function updateRow(doc) {
    const row = rowFor(doc);
    const before = row.dataset.status;
    row.dataset.status = doc.status;
    const link = row.querySelector(".doc-link");
    link.textContent = doc.filename;
    link.href = doc.page;
    row.querySelector(".doc-kind").textContent = doc.kind ? kindName(doc.kind) : "–";
    const status = row.querySelector(".status");
    status.textContent = doc.status_text;
    status.className = "status status-" + doc.status;
    row.querySelector(".doc-error").textContent = doc.error || "";
    const bar = row.querySelector("progress");
    bar.value = doc.progress;
    bar.textContent = doc.progress + " %";
    bar.setAttribute("aria-label", "Förlopp för " + doc.filename);
    const select = row.querySelector(".doc-select");
    if (select) {
      select.value = doc.id;
      select.setAttribute("aria-label", "Markera " + doc.filename);
    }
    const failed = row.querySelector(".failed-actions");
    if (failed) {  // "Försök igen" and "Ta bort" belong to a failed upload only
      failed.hidden = doc.status !== "failed";
      const retry = failed.querySelector(".retry-form");
      retry.action = "/documents/" + doc.id + "/retry";
      retry.querySelector("button").setAttribute("aria-label", "Försök igen med " + doc.filename);
      const remove = failed.querySelector(".remove-link");
      remove.href = "/documents/" + doc.id + "/remove" + remove.search;
      remove.setAttribute("aria-label", "Ta bort " + doc.filename);
    }
    if (before !== doc.status && doc.status === "extracted") showThumbnail(row, doc);
    if (before !== doc.status && (doc.status === "extracted" || doc.status === "failed")) {
      announce(doc.filename + ": " + doc.status_text.toLowerCase() + (doc.error ? ". " + doc.error : ""));
    }
  }

  // The image of page 1 the worker stored on reading; if it made none, the placeholder stays.
  function showThumbnail(row, doc) {
    const placeholder = row.querySelector(".thumb-none");
    if (!placeholder) return;
    const img = document.createElement("img");
    img.className = "thumb";
    img.alt = "Första sidan av " + doc.filename;
    img.width = 48;
    img.height = 68;
    img.addEventListener("load", () => placeholder.replaceWith(img));
    img.src = "/documents/" + doc.id + "/thumbnail.png";
  }

  const KINDS = {district_plan: "Strategisk stadsdelsplan", report: "Myndighetsrapport",
                 decision: "Regeringsbeslut", unknown: "Okänd dokumenttyp"};
  function kindName(kind) { return KINDS[kind] || kind; }

  async function upload(file) {
    const body = new FormData();
    body.append("file", file);
    announce("Laddar upp " + file.name);
    let response;
    try {
      response = await fetch("/api/documents", {method: "POST", body, headers: {"X-CSRFToken": csrf}});
    } catch (err) {
      showError(file.name + " kunde inte laddas upp; kontrollera nätverket och försök igen.");
      return;
    }
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      showError((data.error && data.error.message) || (file.name + " kunde inte laddas upp."));
      return;
    }
    const doc = await (await fetch("/api/documents/" + data.id)).json();
    updateRow(doc);
    announce(data.duplicate ? file.name + " fanns redan och visas i listan." : file.name + " är uppladdad och köad.");
    schedule();
  }

  function uploadAll(files) {
    Array.from(files).forEach(upload);
  }

  const form = document.getElementById("upload-form");
  if (form) {
    const input = document.getElementById("file");
    const zone = document.getElementById("dropzone");
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (!input.files.length) { showError("Välj minst en PDF-fil att ladda upp."); return; }
      uploadAll(input.files);
      form.reset();
    });
    input.addEventListener("change", () => { if (input.files.length) { uploadAll(input.files); form.reset(); } });
    ["dragenter", "dragover"].forEach((name) => zone.addEventListener(name, (event) => {
      event.preventDefault();
      zone.classList.add("over");
    }));
    ["dragleave", "drop"].forEach((name) => zone.addEventListener(name, () => zone.classList.remove("over")));
    zone.addEventListener("drop", (event) => {
      event.preventDefault();
      uploadAll(event.dataTransfer.files);
    });
  }

  async function pollList() {
    const ids = Array.from(table.querySelectorAll("tr[data-document]"))
      .filter((row) => RUNNING.includes(row.dataset.status)).map((row) => row.dataset.document);
    if (!ids.length) return false;
    const data = await (await fetch("/api/documents?ids=" + ids.join(","))).json();
    data.documents.forEach(updateRow);
    return true;
  }

  // ---- one document: its status, then its drafts ----
  const docStatus = document.getElementById("document-status");
  const outputs = document.getElementById("outputs");

  // A status region's bar and words from the API's answer; true when the item has just finished.
  function showStatus(region, textId, item) {
    const bar = region.querySelector("progress");
    bar.value = item.progress;
    bar.textContent = item.progress + " %";
    const text = document.getElementById(textId);
    text.textContent = item.status_text;
    text.className = "status status-" + item.status;
    if (item.status === region.dataset.status) return false;
    region.dataset.status = item.status;
    return !RUNNING.includes(item.status);
  }

  async function pollDocument() {
    if (!RUNNING.includes(docStatus.dataset.status)) return false;
    const doc = await (await fetch("/api/documents/" + docStatus.dataset.document)).json();
    if (showStatus(docStatus, "status-text", doc)) {
      announceAndReload(doc.filename + ": " + doc.status_text.toLowerCase());  // the fields form appears
    }
    return true;
  }

  async function pollOutputs() {
    const rows = Array.from(outputs.querySelectorAll("tr[data-output]"))
      .filter((row) => RUNNING.includes(row.dataset.status));
    if (!rows.length) return false;
    const data = await (await fetch("/api/outputs?document_id=" + docStatus.dataset.document)).json();
    for (const out of data.outputs) {
      const row = outputs.querySelector(`tr[data-output="${out.id}"]`);
      if (!row) continue;
      row.querySelector("progress").value = out.progress;
      if (row.dataset.status === out.status) continue;
      row.dataset.status = out.status;
      const status = row.querySelector(".status");
      status.textContent = out.status_text;
      status.className = "status status-" + out.status;
      row.querySelector(".error-text").textContent = out.error || "";
      const cell = row.querySelector(".files");
      cell.textContent = "";
      for (const f of out.files) {
        if (f.format === "png") {
          const img = document.createElement("img");
          img.src = f.url;
          img.alt = "Förhandsvisning av första sidan";
          img.className = "preview";
          cell.append(img);
          continue;
        }
        const a = document.createElement("a");
        a.href = f.url;
        a.download = f.name;
        a.textContent = "Ladda ner " + f.name;
        cell.append(a);
      }
      announce("Utkast " + out.id + ": " + out.status_text.toLowerCase() + (out.error ? ". " + out.error : ""));
    }
    return true;
  }

  // ---- the review beside the page: focusing a field highlights its values' outlines on the pages ----
  // Only the panel scrolls (never the window, which would carry the field being edited away); stacked on a
  // narrow screen the panel does not scroll, and the highlight and the pointer's words are what is left.
  const panel = document.getElementById("pages-panel");
  const fieldsForm = document.querySelector("form.fields");
  if (panel && fieldsForm) {
    const pointer = document.getElementById("page-pointer");
    const hint = document.getElementById("pages-focus-hint");
    if (hint) hint.hidden = false;  // what focusing a field does, said only where it does it
    const still = window.matchMedia("(prefers-reduced-motion: reduce)");
    let holder = null;
    let current = [];
    fieldsForm.addEventListener("focusin", (event) => {
      const next = event.target.closest("[data-boxes]");
      if (next === holder) return;  // moving within one indicator row: nothing new to show or say
      holder = next;
      current.forEach((box) => box.classList.remove("current"));
      current = next ? next.dataset.boxes.split(" ").map((id) => document.getElementById(id)).filter(Boolean) : [];
      current.forEach((box) => box.classList.add("current"));
      if (!pointer) return;
      if (!current.length) { pointer.textContent = ""; return; }
      const pages = [...new Set(current.map((box) => box.dataset.page))];
      pointer.textContent = pages.length === 1 ? "Inramat på sida " + pages[0] + "."
        : "Inramat på sidorna " + pages.slice(0, -1).join(", ") + " och " + pages[pages.length - 1] + ".";
      const first = current[0];
      // After the browser has brought the focused field into view, which moves the sticky panel too.
      window.requestAnimationFrame(() => {
        const area = panel.getBoundingClientRect();
        const box = first.getBoundingClientRect();
        if (box.top < area.top || box.bottom > area.bottom) {
          panel.scrollBy({top: box.top - area.top - area.height / 3, behavior: still.matches ? "auto" : "smooth"});
        }
      });
    });
  }

  // ---- one draft: its status while it is made, then its pages, each enlarged in a dialog ----
  const outStatus = document.getElementById("output-status");

  async function pollOutput() {
    if (!RUNNING.includes(outStatus.dataset.status)) return false;
    const out = await (await fetch("/api/outputs/" + outStatus.dataset.output)).json();
    if (showStatus(outStatus, "output-status-text", out)) {
      // its files and pages appear once it is made
      announceAndReload("Utkast " + out.id + ": " + out.status_text.toLowerCase() + (out.error ? ". " + out.error : ""));
      return false;
    }
    return true;
  }

  const pageDialog = document.getElementById("page-dialog");
  if (pageDialog && typeof pageDialog.showModal === "function") {  // else each link opens the image itself
    const large = pageDialog.querySelector("img");
    let opener = null;
    document.querySelectorAll("a.page-link").forEach((link) => link.addEventListener("click", (event) => {
      event.preventDefault();
      opener = link;
      large.src = link.href;
      large.alt = link.querySelector("img").alt;
      document.getElementById("page-dialog-title").textContent = link.dataset.title;
      pageDialog.showModal();
      pageDialog.querySelector(".close").focus();
    }));
    pageDialog.querySelector(".close").addEventListener("click", () => pageDialog.close());
    pageDialog.addEventListener("click", (event) => { if (event.target === pageDialog) pageDialog.close(); });
    pageDialog.addEventListener("close", () => {  // Escape, the button or the backdrop: back where it opened
      if (opener) opener.focus();
      opener = null;
    });
  }

  let timer = null;
  async function tick() {
    timer = null;
    let busy = false;
    try {
      if (table) busy = (await pollList()) || busy;
      if (docStatus) busy = (await pollDocument()) || busy;
      if (outputs) busy = (await pollOutputs()) || busy;
      if (outStatus) busy = (await pollOutput()) || busy;
    } catch (err) {
      busy = true;  // a missed poll: try again
    }
    if (busy) schedule();
  }
  function schedule() { if (!timer) timer = window.setTimeout(tick, 1000); }
  schedule();
})();
