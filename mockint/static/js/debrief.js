// The debrief form: saved as a draft while the user types, kept in this browser
// when a save fails or the tab closes, and one step at a time on a phone.

const form = document.querySelector("form[data-autosave]");
const SAVE_AFTER_MS = 1500;
const RETRY_AFTER_MS = 10000;

if (form) {
  // getAttribute: form.action would be the buttons named "action".
  const endpoint = form.getAttribute("action");
  const storageKey = `mockint-debrief-${form.dataset.autosave}`;
  const serverSavedAt = Number(form.dataset.updatedAt) || 0;
  const status = document.getElementById("autosave-status");
  const token = document.querySelector('meta[name="csrf-token"]')?.content ?? "";
  let timer = null;
  let unsaved = false;

  const say = (text) => {
    if (status) status.textContent = text;
  };

  const typedFields = () =>
    Array.from(form.elements).filter(
      (element) =>
        element.name && element.name !== "csrf_token" && element.type !== "submit",
    );

  const keepLocally = () => {
    const fields = Object.fromEntries(typedFields().map((el) => [el.name, el.value]));
    try {
      localStorage.setItem(storageKey, JSON.stringify({ at: Date.now(), fields }));
    } catch {
      // Storage full or disabled: the server copy is all there is.
    }
  };

  const body = () => {
    const data = new URLSearchParams(new FormData(form));
    data.delete("action");
    return data;
  };

  const save = async () => {
    clearTimeout(timer);
    try {
      const response = await fetch(endpoint, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          Accept: "application/json",
          "X-CSRFToken": token,
          "Content-Type": "application/x-www-form-urlencoded",
        },
        body: body(),
      });
      if (response.ok) {
        unsaved = false;
        localStorage.removeItem(storageKey);
        const time = new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
        say(`Draft saved at ${time}.`);
        return;
      }
      const data = await response.json().catch(() => null);
      const problems = data?.errors ? Object.values(data.errors).flat().join(" ") : "";
      say(`Not saved yet: ${problems || "the server refused it."} Your text is kept in this browser.`);
    } catch {
      say("Could not reach the server. Your text is kept in this browser and saved when it can be.");
      timer = setTimeout(save, RETRY_AFTER_MS);
    }
  };

  const changed = () => {
    unsaved = true;
    keepLocally();
    say("Saving…");
    clearTimeout(timer);
    timer = setTimeout(save, SAVE_AFTER_MS);
  };

  // Text typed here that never reached the server (a closed tab, a failed
  // request) comes back, newer than the saved draft.
  try {
    const kept = JSON.parse(localStorage.getItem(storageKey) || "null");
    if (kept && kept.at > serverSavedAt) {
      for (const [name, value] of Object.entries(kept.fields)) {
        const element = form.elements.namedItem(name);
        if (element && "value" in element && element.value !== value) element.value = value;
      }
      say("Restored what you typed here that had not been saved yet.");
      changed();
    } else if (kept) {
      localStorage.removeItem(storageKey);
    }
  } catch {
    localStorage.removeItem(storageKey);
  }

  form.addEventListener("input", changed);
  form.dataset.autosaveReady = "true"; // tests (and curious people) can tell
  form.addEventListener("submit", () => {
    clearTimeout(timer);
    localStorage.removeItem(storageKey);
    unsaved = false;
  });
  window.addEventListener("pagehide", () => {
    // The form's own CSRF field travels in the body, so a beacon is accepted.
    if (unsaved) navigator.sendBeacon(endpoint, body());
  });

  // On a phone, one prompt at a time.
  const steps = Array.from(form.querySelectorAll("[data-step]"));
  if (steps.length > 1 && window.matchMedia("(max-width: 40rem)").matches) {
    let current = 0;
    const nav = document.createElement("div");
    nav.className = "step-nav";
    const back = document.createElement("button");
    back.type = "button";
    back.className = "secondary";
    back.textContent = "Back";
    const next = document.createElement("button");
    next.type = "button";
    next.textContent = "Next";
    const where = document.createElement("p");
    where.className = "muted step-count";
    nav.append(back, where, next);
    steps[steps.length - 1].after(nav);

    const show = (index) => {
      current = Math.max(0, Math.min(steps.length - 1, index));
      steps.forEach((step, i) => {
        step.hidden = i !== current;
      });
      back.disabled = current === 0;
      next.hidden = current === steps.length - 1;
      where.textContent = `Step ${current + 1} of ${steps.length}`;
    };
    const move = (delta) => {
      if (unsaved) save();
      show(current + delta);
      steps[current].querySelector("input, select, textarea")?.focus();
    };
    back.addEventListener("click", () => move(-1));
    next.addEventListener("click", () => move(1));
    form.classList.add("is-stepping");
    show(0);
  }
}
